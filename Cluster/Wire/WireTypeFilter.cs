using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Hyperion;

namespace QwenVL.Cluster.Wire;

/// <summary>
/// Hyperion's gate on deserialization: it asks before loading any type a payload names, and this answers yes only for
/// <see cref="WireTypes.Allowed"/>. A payload naming anything else fails before the type is loaded or constructed.
/// </summary>
public sealed partial class WireTypeFilter : ITypeFilter
{
    public static WireTypeFilter Instance { get; } = new();

    private readonly FrozenSet<string> _allowed = WireTypes.Allowed.Select(QualifiedName).ToFrozenSet(StringComparer.Ordinal);

    private WireTypeFilter()
    {
    }

    /// <summary>
    /// True when <paramref name="typeName"/> is "Full.Name, AssemblyShortName" of an allowed type, optionally followed by
    /// the assembly's version, culture and public key token (which vary between builds and say nothing about which type
    /// is meant). Anything else in the name, such as further assembly attributes or generic arguments, refuses it.
    /// </summary>
    public bool IsAllowed(string typeName) => _allowed.Contains(AssemblyIdentityParts().Replace(typeName, string.Empty));

    /// <summary>"Full.Name, AssemblyShortName", the form allowed names are kept in.</summary>
    public static string QualifiedName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    // The same parts, in the same order, that Hyperion strips when it writes a type's name.
    [GeneratedRegex(@"(, Version=([\d\.]+))?(, Culture=[^,\] \t]+)?(, PublicKeyToken=(null|[\da-f]+))?",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex AssemblyIdentityParts();
}
