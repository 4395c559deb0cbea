namespace LiveSync.Protocol.Ot.Json;

/// <summary>What a <see cref="JsonOpComponent"/> does, named by its ot-json0 instruction properties.</summary>
public enum JsonOpKind
{
    /// <summary><c>na</c>: adds a number to the number at the path.</summary>
    NumberAdd,

    /// <summary><c>li</c>: inserts a value into a list before the index that ends the path.</summary>
    ListInsert,

    /// <summary><c>ld</c>: deletes the list item at the path, which must equal the value given.</summary>
    ListDelete,

    /// <summary><c>ld</c> and <c>li</c>: replaces the list item at the path.</summary>
    ListReplace,

    /// <summary><c>lm</c>: moves the list item at the path to another index of the same list.</summary>
    ListMove,

    /// <summary><c>oi</c>: sets an object property (ot-json0 lets it overwrite a property that exists).</summary>
    ObjectInsert,

    /// <summary><c>od</c>: deletes an object property, whose value must equal the value given.</summary>
    ObjectDelete,

    /// <summary><c>od</c> and <c>oi</c>: replaces an object property's value.</summary>
    ObjectReplace,

    /// <summary><c>si</c>: inserts text into a string at the UTF-16 offset that ends the path.</summary>
    StringInsert,

    /// <summary><c>sd</c>: deletes text, which must match, from a string at the UTF-16 offset that ends the path.</summary>
    StringDelete,
}
