namespace LiveSync.Protocol.Ot.Text;

/// <summary>What a <see cref="TextComponent"/> does as an op walks over the document.</summary>
public enum TextComponentKind
{
    /// <summary>Keep the next <see cref="TextComponent.Length"/> code points (wire form: a positive integer).</summary>
    Skip,

    /// <summary>Insert <see cref="TextComponent.Text"/> here (wire form: a non-empty string).</summary>
    Insert,

    /// <summary>
    /// Remove the next <see cref="TextComponent.Length"/> code points (wire form: <c>{"d": N}</c>, or
    /// <c>{"d": "text"}</c> when the removed <see cref="TextComponent.Text"/> is carried).
    /// </summary>
    Delete,
}
