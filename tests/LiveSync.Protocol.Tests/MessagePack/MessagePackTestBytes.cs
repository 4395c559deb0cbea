using System.Buffers;
using LiveSync.Protocol.MessagePack;

namespace LiveSync.Protocol.Tests.MessagePack;

/// <summary>Writes with a <see cref="MessagePackWriter"/>.</summary>
internal delegate void WriteAction(MessagePackWriter writer);

/// <summary>Small helpers shared by the MessagePack tests.</summary>
internal static class MessagePackTestBytes
{
    public static byte[] Write(WriteAction write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(new MessagePackWriter(output));
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    /// <summary>The bytes split into segments of at most <paramref name="segmentSize"/> bytes, as a pipe may deliver them.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentSize)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentSize)
        {
            var memory = bytes.AsMemory(offset, Math.Min(segmentSize, bytes.Length - offset));
            var segment = new Segment(memory, last?.RunningIndex + last?.Memory.Length ?? 0);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.SetNext(segment);
            }

            last = segment;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
