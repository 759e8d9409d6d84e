namespace Discernus.Coordination;

/// <summary>What the audit flags as wrong in the keyspace.</summary>
internal enum CoordinationAnomalyKind
{
    /// <summary>A schema key of another type than the schema says: a coordination fault.</summary>
    WrongType,

    /// <summary>A key that should expire but has no TTL (task keys, heartbeats, the keys of an ended run).</summary>
    MissingTtl,

    /// <summary>A key under the prefix that the schema does not know.</summary>
    NotInSchema,

    /// <summary>Task keys of a run that has ended.</summary>
    TaskKeysOfEndedRun,

    /// <summary>Task keys of a run with no state.</summary>
    TaskKeysOfUnknownRun,
}
