using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// The coordination keys are not in a state the system can work with (typically a key of the wrong type). Raised
/// instead of crashing or hanging on the key; the message names the key and the fix.
/// </summary>
internal sealed class CoordinationFaultException : Exception
{
    public CoordinationFaultException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    private CoordinationFaultException(string key, string expectedType, string actualType, Exception? innerException)
        : base(WrongTypeMessage(key, expectedType, actualType), innerException)
    {
        Key = key;
        ExpectedType = expectedType;
        ActualType = actualType;
    }

    /// <summary>The key at fault, when a single key is.</summary>
    public string? Key { get; }

    public string? ExpectedType { get; }

    public string? ActualType { get; }

    public static CoordinationFaultException WrongType(string key, RedisType expected, RedisType actual, Exception? innerException = null) =>
        new(key, RedisTypeNames.Of(expected), RedisTypeNames.Of(actual), innerException);

    public static string WrongTypeMessage(string key, string expectedType, string actualType) =>
        $"Coordination fault: Redis key '{key}' has the wrong type: it holds a {actualType} but Discernus expects a {expectedType} there. "
        + $"Fix: delete it with `DEL {key}` or choose another prefix with {RedisKeys.PrefixEnvironmentVariable}.";
}
