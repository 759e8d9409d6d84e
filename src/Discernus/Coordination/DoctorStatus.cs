namespace Discernus.Coordination;

/// <summary>The outcome of one <c>discernus doctor</c> check.</summary>
internal enum DoctorStatus
{
    Pass,

    /// <summary>Could not be checked, or works with a caveat; does not fail the doctor.</summary>
    Warn,

    Fail,

    /// <summary>Not run because a check it depends on failed (no Redis to ask).</summary>
    Skip,
}
