namespace LiveSync.Protocol.Ot;

/// <summary>
/// Which op wins a tie when two ops insert at the same place: the <see cref="Left"/> op's insert goes first.
/// The server transforms a submitted op past applied ops as <see cref="Left"/>.
/// </summary>
public enum TransformSide
{
    /// <summary>This op's inserts go before the other op's inserts at the same position.</summary>
    Left,

    /// <summary>This op's inserts go after the other op's inserts at the same position.</summary>
    Right,
}
