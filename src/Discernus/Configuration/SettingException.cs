namespace Discernus.Configuration;

/// <summary>
/// A setting has a value Discernus cannot use. The message names the setting, where the value came from (a
/// <c>.env</c> file, the environment, a flag), what is wrong and the fix; a secret value is never quoted.
/// </summary>
public sealed class SettingException(string message) : Exception(message);
