// A load tool for LiveSync: the workload of issue 7 (text documents, clients inserting 8-character tokens with one
// op in flight) on real SignalR connections from this process, against a LiveSync server it starts itself or one
// given with --url. Prints a table and one JSON line.
using LiveSync.Benchmarks;

Options options;
try
{
    options = Options.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

var result = await Workload.RunAsync(options);
result.Print(Console.Out);
return result.Converged ? 0 : 1;
