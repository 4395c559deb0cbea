using System.Globalization;
using System.Text.Json;
using LiveSync.Protocol.MessagePack;

namespace LiveSync.SignalR.MessagePack.Formatters;

/// <summary>Reading and writing the property values the formatters share, as their JSON form would carry them.</summary>
internal static class FormatterValues
{
    /// <summary>Reads a whole number, as System.Text.Json reads a <see cref="long"/> from the JSON form.</summary>
    /// <param name="reader">The reader.</param>
    /// <returns>The number.</returns>
    /// <exception cref="InvalidDataException">Not an integer (nil included), or beyond a <see cref="long"/>.</exception>
    public static long ReadInt64(ref MessagePackReader reader)
    {
        if (reader.PeekType() != MessagePackType.Float)
        {
            return reader.ReadInt64();
        }

        // A float is written in the JSON form as its shortest round-trip text, so a whole one (1.0 as "1") reads as
        // an integer there; anything else does not.
        var number = reader.ReadDouble();
        if (number == Math.Floor(number) && number >= -9.2233720368547758E+18 && number < 9.2233720368547758E+18)
        {
            return (long)number;
        }

        throw new InvalidDataException($"The number {number} is not a 64-bit integer.");
    }

    /// <summary>Reads an integer as its decimal text, the way the JSON form carries an integer map key.</summary>
    /// <param name="reader">The reader, at an integer.</param>
    /// <returns>The text.</returns>
    public static string ReadIntegerText(ref MessagePackReader reader)
    {
        // Only uint 64 (0xcf) holds integers beyond a long.
        var probe = reader;
        return probe.ReadRaw().FirstSpan[0] == 0xcf
            ? reader.ReadUInt64().ToString(CultureInfo.InvariantCulture)
            : reader.ReadInt64().ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Reads an optional JSON value: nil is absent, as System.Text.Json reads <c>null</c> into a <see cref="Nullable{JsonElement}"/>.</summary>
    /// <param name="reader">The reader.</param>
    /// <returns>The value, or null for nil.</returns>
    public static JsonElement? ReadOptionalElement(ref MessagePackReader reader) =>
        reader.TryReadNil() ? null : MessagePackJson.ReadJsonElement(ref reader);

    /// <summary>Reads an optional boolean: nil is absent.</summary>
    /// <param name="reader">The reader.</param>
    /// <returns>The value, or null for nil.</returns>
    public static bool? ReadOptionalBoolean(ref MessagePackReader reader) =>
        reader.TryReadNil() ? null : reader.ReadBoolean();

    /// <summary>The error for a required property missing from a map, as System.Text.Json reports it.</summary>
    /// <param name="type">The type being read.</param>
    /// <param name="key">The missing property's key.</param>
    /// <returns>The exception to throw.</returns>
    public static InvalidDataException MissingRequired(string type, string key) =>
        new($"A {type} is missing its required property '{key}'.");
}
