using System.Buffers;
using LiveSync.Protocol.MessagePack;

namespace LiveSync.Protocol.Tests.MessagePack;

/// <summary>Random MessagePack values and mutations of them, for fuzzing.</summary>
internal static class MessagePackGenerator
{
    public static byte[] Value(Random random)
    {
        var output = new ArrayBufferWriter<byte>();
        WriteValue(new MessagePackWriter(output), random, depth: 0);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Mutate(Random random, byte[] input)
    {
        var bytes = new List<byte>(input);
        var mutations = random.Next(0, 4);
        for (var m = 0; m < mutations; m++)
        {
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0: // flip a byte
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 1 when bytes.Count > 0: // cut short
                    var keep = random.Next(bytes.Count);
                    bytes.RemoveRange(keep, bytes.Count - keep);
                    break;
                case 2: // insert random bytes
                    bytes.InsertRange(random.Next(bytes.Count + 1), Enumerable.Range(0, random.Next(1, 6)).Select(_ => (byte)random.Next(256)));
                    break;
                case 3 when bytes.Count > 0: // blow up a length
                    var at = random.Next(bytes.Count);
                    for (var i = at; i < Math.Min(bytes.Count, at + 4); i++)
                    {
                        bytes[i] = 0xff;
                    }

                    break;
                case 4: // a deep nest
                    bytes.InsertRange(0, Enumerable.Repeat((byte)0x91, random.Next(1, 100)));
                    break;
                case 5: // interesting leading codes
                    byte[] codes = [0xc1, 0xdb, 0xdd, 0xdf, 0xc6, 0xc9, 0xd8, 0xc7, 0xcf, 0xd3];
                    bytes.Insert(0, codes[random.Next(codes.Length)]);
                    break;
                default: // pure noise
                    var noise = new byte[random.Next(0, 64)];
                    random.NextBytes(noise);
                    return noise;
            }
        }

        return bytes.ToArray();
    }

    private static void WriteValue(MessagePackWriter writer, Random random, int depth)
    {
        var choice = random.Next(depth > 4 ? 9 : 11);
        switch (choice)
        {
            case 0:
                writer.WriteNil();
                break;
            case 1:
                writer.WriteBoolean(random.Next(2) == 0);
                break;
            case 2:
                writer.WriteInt64(random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(64));
                break;
            case 3:
                writer.WriteUInt64((ulong)random.NextInt64() << random.Next(2));
                break;
            case 4:
                if (random.Next(2) == 0)
                {
                    writer.WriteDouble((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-10, 10)));
                }
                else
                {
                    writer.WriteSingle((float)random.NextDouble());
                }

                break;
            case 5:
                writer.WriteString(RandomText(random));
                break;
            case 6:
                var data = new byte[random.Next(0, 40)];
                random.NextBytes(data);
                writer.WriteBinary(data);
                break;
            case 7:
                writer.WriteTimestamp(new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc));
                break;
            case 8:
                var ext = new byte[random.Next(0, 20)];
                random.NextBytes(ext);
                writer.WriteExtension((sbyte)random.Next(0, 127), ext);
                break;
            case 9:
                var count = random.Next(0, 20);
                writer.WriteArrayHeader(count);
                for (var i = 0; i < count; i++)
                {
                    WriteValue(writer, random, depth + 1);
                }

                break;
            default:
                var pairs = random.Next(0, 18);
                writer.WriteMapHeader(pairs);
                for (var i = 0; i < pairs; i++)
                {
                    if (random.Next(5) == 0)
                    {
                        writer.WriteInt64(random.Next(-100, 100));
                    }
                    else
                    {
                        writer.WriteString(RandomText(random));
                    }

                    WriteValue(writer, random, depth + 1);
                }

                break;
        }
    }

    private static string RandomText(Random random)
    {
        string[] pieces = ["a", "é", "👋", "\"", "\\", "\n", "\u0001", "ключ", "d", " "];
        var length = random.Next(0, random.Next(2) == 0 ? 8 : 60);
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < length; i++)
        {
            builder.Append(pieces[random.Next(pieces.Length)]);
        }

        return builder.ToString();
    }
}
