using QwenVL.Runtime.Structured;

namespace QwenVL.Http.Structured;

/// <summary>A request's constraint on its output and the field that asked for it (named in errors).</summary>
public sealed record OutputConstraint(GrammarSpec Spec, string Field);
