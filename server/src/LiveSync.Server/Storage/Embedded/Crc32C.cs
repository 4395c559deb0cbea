using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace LiveSync.Server.Storage.Embedded;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial and final value 0xFFFFFFFF): the checksum of every
/// op-log record and snapshot file. It uses the CPU's CRC32C instruction where there is one (SSE 4.2, ARMv8) and a
/// slicing-by-8 table otherwise; both give the same values.
/// </summary>
internal static class Crc32C
{
    private const uint Polynomial = 0x82F63B78;

    // 8 tables of 256 entries for slicing-by-8: 8 KiB once, so the software path handles 8 bytes per step.
    private static readonly uint[] s_table = CreateTable();

    private static readonly bool s_hardware = Sse42.X64.IsSupported || Crc32.Arm64.IsSupported;

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Continues <paramref name="crc"/> (the CRC-32C of some bytes) over <paramref name="data"/>:
    /// <c>Append(Compute(a), b) == Compute(a + b)</c>.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) =>
        ~(s_hardware ? UpdateHardware(~crc, data) : UpdateTable(~crc, data));

    /// <summary>The table-driven path alone, so tests can check it against the hardware one.</summary>
    internal static uint ComputeWithTable(ReadOnlySpan<byte> data) => ~UpdateTable(~0u, data);

    private static uint UpdateHardware(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }

    private static uint UpdateTable(uint crc, ReadOnlySpan<byte> data)
    {
        var t = s_table;
        while (data.Length >= 8)
        {
            var low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[(7 * 256) + (low & 0xFF)] ^ t[(6 * 256) + ((low >> 8) & 0xFF)] ^
                  t[(5 * 256) + ((low >> 16) & 0xFF)] ^ t[(4 * 256) + (low >> 24)] ^
                  t[(3 * 256) + (high & 0xFF)] ^ t[(2 * 256) + ((high >> 8) & 0xFF)] ^
                  t[256 + ((high >> 16) & 0xFF)] ^ t[high >> 24];
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            }

            table[i] = crc;
        }

        for (var slice = 1; slice < 8; slice++)
        {
            for (var i = 0; i < 256; i++)
            {
                var previous = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = (previous >> 8) ^ table[previous & 0xFF];
            }
        }

        return table;
    }
}
