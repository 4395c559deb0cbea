using LiveSync.Protocol.MessagePack;

namespace LiveSync.SignalR.MessagePack.Formatters;

/// <summary>
/// Writes and reads one type directly as MessagePack, in exactly the form its System.Text.Json form would be
/// transcoded to (see <see cref="MessagePackJson"/>), without the intermediate JSON.
/// </summary>
/// <typeparam name="T">The type.</typeparam>
internal interface IMessagePackFormatter<T>
    where T : class
{
    /// <summary>Writes <paramref name="value"/>.</summary>
    /// <param name="writer">Where the MessagePack goes.</param>
    /// <param name="value">The value, not null.</param>
    void Write(MessagePackWriter writer, T value);

    /// <summary>Reads a value that is not nil (the caller reads nil itself).</summary>
    /// <param name="reader">The reader, left after the value.</param>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidDataException">The value is malformed or does not fit <typeparamref name="T"/>.</exception>
    T Read(ref MessagePackReader reader);
}
