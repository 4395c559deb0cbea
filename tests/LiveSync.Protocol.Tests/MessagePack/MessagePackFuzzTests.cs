using System.Buffers;
using System.Diagnostics;
using LiveSync.Protocol.MessagePack;
using Xunit.Abstractions;

namespace LiveSync.Protocol.Tests.MessagePack;

/// <summary>
/// Random and mutated MessagePack fed to the reader: it may only ever throw <see cref="InvalidDataException"/>,
/// allocate in proportion to the input, and finish. Set LIVESYNC_FUZZ_SEED to replay a printed seed.
/// </summary>
public sealed class MessagePackFuzzTests
{
    private const int Iterations = 40_000;

    private readonly ITestOutputHelper _output;

    public MessagePackFuzzTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void Random_and_mutated_input_only_ever_fails_with_InvalidDataException()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("LIVESYNC_FUZZ_SEED"), out var fixedSeed) ? fixedSeed : Environment.TickCount;
        _output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        var rejected = 0;

        // Warm up the paths (JIT, pools, caches) so that allocation deltas below measure the input, not first use.
        for (var i = 0; i < 200; i++)
        {
            Feed(MessagePackGenerator.Value(random), out _);
        }

        for (var i = 0; i < Iterations; i++)
        {
            var input = MessagePackGenerator.Mutate(random, MessagePackGenerator.Value(random));
            var before = GC.GetAllocatedBytesForCurrentThread();
            Exception? failure;
            try
            {
                Feed(input, out failure);
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (failure is not null and not InvalidDataException)
            {
                Assert.Fail($"seed {seed}, iteration {i}, input {Convert.ToHexString(input)}: {failure}");
            }

            rejected += failure is null ? 0 : 1;

            // JSON text is at most ~8 bytes per input byte and a JsonDocument ~12 bytes per token, plus the exception.
            var bound = (64L * input.Length) + (64 * 1024);
            Assert.True(allocated <= bound, $"seed {seed}, iteration {i}: {allocated} bytes allocated for {input.Length} input bytes: {Convert.ToHexString(input)}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"seed {seed}: too slow at iteration {i}");
        }

        _output.WriteLine($"{Iterations} inputs, {rejected} rejected, {clock.ElapsedMilliseconds} ms");
    }

    private static void Feed(byte[] input, out Exception? failure)
    {
        failure = null;
        try
        {
            var reader = new MessagePackReader(new ReadOnlySequence<byte>(input));
            reader.Skip();
        }
        catch (InvalidDataException ex)
        {
            failure = ex;
        }

        try
        {
            var reader = new MessagePackReader(MessagePackTestBytes.Segmented(input, 3));
            while (!reader.End)
            {
                MessagePackJson.ReadJsonElement(ref reader);
            }
        }
        catch (InvalidDataException ex)
        {
            failure = ex;
        }
    }
}
