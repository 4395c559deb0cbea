using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using LiveSync.Protocol.Messages;
using Microsoft.AspNetCore.SignalR.Protocol;
using Xunit.Abstractions;

namespace LiveSync.SignalR.MessagePack.Tests;

/// <summary>
/// Valid frames (the JS client's vectors and random messages written by the protocol), mutated, fed to
/// TryParseMessage: only <see cref="InvalidDataException"/> may escape, allocation stays in proportion to the input,
/// and the whole run is bounded in time. Set LIVESYNC_FUZZ_SEED to replay a printed seed.
/// </summary>
public sealed class MessagePackHubProtocolFuzzTests
{
    private const int Iterations = 30_000;

    private static readonly TestBinder s_binder = new(
        parameters: new()
        {
            ["Submit"] = [typeof(string), typeof(Submission)],
            ["All"] = [typeof(JsonElement), typeof(string), typeof(int?), typeof(double), typeof(byte[]), typeof(object), typeof(DateTime)],
            ["method"] = [typeof(int)],
            ["op"] = [typeof(string), typeof(SequencedOp)],
        },
        returns: new() { ["1"] = typeof(JsonElement), ["xyz"] = typeof(Submission) },
        streamItems: new() { ["xyz"] = typeof(JsonElement) });

    private readonly ITestOutputHelper _output;

    public MessagePackHubProtocolFuzzTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void Mutated_frames_only_ever_fail_with_InvalidDataException()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("LIVESYNC_FUZZ_SEED"), out var fixedSeed) ? fixedSeed : Environment.TickCount;
        _output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var corpus = Corpus(random);
        var clock = Stopwatch.StartNew();
        var parsed = 0;
        var rejected = 0;

        foreach (var frame in corpus)
        {
            Feed(frame, out _, out _); // warm-up: JIT, pools, serializer metadata
        }

        for (var i = 0; i < Iterations; i++)
        {
            var input = Mutate(random, corpus[random.Next(corpus.Count)], corpus);
            var before = GC.GetAllocatedBytesForCurrentThread();
            Exception? failure;
            int messages;
            try
            {
                Feed(input, out messages, out failure);
            }
            catch (Exception ex)
            {
                failure = ex;
                messages = 0;
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (failure is not null and not InvalidDataException)
            {
                Assert.Fail($"seed {seed}, iteration {i}, input {Convert.ToHexString(input)}: {failure}");
            }

            parsed += messages;
            rejected += failure is null ? 0 : 1;
            var bound = (64L * input.Length) + (64 * 1024);
            Assert.True(allocated <= bound, $"seed {seed}, iteration {i}: {allocated} bytes allocated for {input.Length} input bytes: {Convert.ToHexString(input)}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"seed {seed}: too slow at iteration {i}");
        }

        _output.WriteLine($"{Iterations} inputs, {parsed} messages parsed, {rejected} rejected, {clock.ElapsedMilliseconds} ms");
    }

    private static void Feed(byte[] input, out int messages, out Exception? failure)
    {
        messages = 0;
        failure = null;
        var sequence = new ReadOnlySequence<byte>(input);
        try
        {
            // Each successful parse consumes at least one frame, so this loop ends.
            while (Frames.Codec.TryParseMessage(ref sequence, s_binder, out _))
            {
                messages++;
            }
        }
        catch (InvalidDataException ex)
        {
            failure = ex;
        }
    }

    private static List<byte[]> Corpus(Random random)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "vectors", "js-client-vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var corpus = document.RootElement.GetProperty("vectors").EnumerateObject().Select(p => Convert.FromHexString(p.Value.GetString()!)).ToList();
        for (var i = 0; i < 50; i++)
        {
            var submission = new Submission { ClientId = "client-" + i, Seq = i, V = random.Next(), Op = JsonElement.Parse($"[{i},\"é{i}\",{{\"d\":{i + 1}}}]") };
            HubMessage message = random.Next(6) switch
            {
                0 => new InvocationMessage(i % 2 == 0 ? null : "1", "Submit", ["doc", submission]),
                1 => new InvocationMessage("1", "All", [JsonElement.Parse("{\"a\":[1,null]}"), "s", i, 0.5, new byte[i], new[] { 1, 2 }, DateTime.UtcNow]) { Headers = new Dictionary<string, string> { ["h"] = "v" } },
                2 => new StreamItemMessage("xyz", submission),
                3 => CompletionMessage.WithResult("xyz", submission),
                4 => new CloseMessage("bye", allowReconnect: true),
                _ => new StreamInvocationMessage("xyz", "method", [i], ["s1"]),
            };
            corpus.Add(Frames.Codec.GetMessageBytes(message).ToArray());
        }

        return corpus;
    }

    private static byte[] Mutate(Random random, byte[] frame, List<byte[]> corpus)
    {
        var bytes = new List<byte>(frame);
        var mutations = random.Next(0, 4);
        for (var m = 0; m < mutations; m++)
        {
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 1 when bytes.Count > 0:
                    var keep = random.Next(bytes.Count);
                    bytes.RemoveRange(keep, bytes.Count - keep);
                    break;
                case 2:
                    bytes.InsertRange(random.Next(bytes.Count + 1), Enumerable.Range(0, random.Next(1, 6)).Select(_ => (byte)random.Next(256)));
                    break;
                case 3 when bytes.Count > 2:
                    // Mutate inside the body but keep the frame's length prefix consistent, to reach the parser.
                    var at = random.Next(1, bytes.Count);
                    bytes[at] = random.Next(2) == 0 ? (byte)0xff : (byte)random.Next(256);
                    break;
                case 4:
                    bytes.AddRange(corpus[random.Next(corpus.Count)]);
                    break;
                default:
                    var noise = new byte[random.Next(0, 32)];
                    random.NextBytes(noise);
                    bytes.AddRange(noise);
                    break;
            }
        }

        return bytes.ToArray();
    }
}
