// A load tool for LiveSync: the workload of issue 7 (text documents, clients inserting 8-character tokens with one
// op in flight) on real SignalR connections from this process, against LiveSync servers it starts itself (on the
// embedded store or a private redis-server) or ones given with --url, or against the bare relay hub (the ceiling).
// Prints a table and one JSON line. With --relay-server it is the relay hub instead.
using LiveSync.Benchmarks;

if (args.Contains(RelayServer.Flag))
{
    return await RelayServer.RunAsync(args);
}

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
return result.Converged == false ? 1 : 0;
