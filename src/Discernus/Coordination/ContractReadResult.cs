namespace Discernus.Coordination;

/// <summary>Outcome of reading a contract: the record, or an error that names the offending field.</summary>
internal sealed record ContractReadResult<T>
    where T : class
{
    private ContractReadResult(T? contract, string? error, string? field)
    {
        Contract = contract;
        Error = error;
        Field = field;
    }

    public T? Contract { get; }

    public string? Error { get; }

    /// <summary>The JSON name of the missing, empty or malformed field, when one is to blame.</summary>
    public string? Field { get; }

    public bool IsValid => Contract is not null;

    public static ContractReadResult<T> Valid(T contract) => new(contract, null, null);

    public static ContractReadResult<T> Invalid(string error, string? field = null) => new(null, error, field);

    public T GetOrThrow() => Contract ?? throw new TaskContractException(Error ?? "invalid contract", Field);
}
