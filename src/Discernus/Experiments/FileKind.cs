namespace Discernus.Experiments;

/// <summary>What a path names, as far as reading it is concerned.</summary>
internal enum FileKind
{
    Missing,
    Regular,
    Directory,
    /// <summary>A named pipe: opening it blocks until another process writes to it.</summary>
    Fifo,
    Socket,
    CharacterDevice,
    BlockDevice,
    /// <summary>A folder on the way may not be searched (permission denied).</summary>
    Inaccessible,
    /// <summary>A symbolic link that leads to itself, directly or through a ring of links.</summary>
    LinkLoop,
    /// <summary>Any other kind no reader expects.</summary>
    Other,
}
