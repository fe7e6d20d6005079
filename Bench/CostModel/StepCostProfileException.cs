namespace QwenVL.Bench.CostModel;

/// <summary>A step cost profile that cannot be used: missing, not JSON, or with a field out of range; the message names which.</summary>
public sealed class StepCostProfileException(string message, Exception? inner = null) : Exception(message, inner);
