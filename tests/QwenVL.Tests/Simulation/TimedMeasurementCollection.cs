using Xunit;

namespace QwenVL.Tests.Simulation;

/// <summary>
/// Tests whose assertions rest on measured wall-clock costs (the profile's step and request-path fits) run alone,
/// after the parallel ones: other test classes decoding on the same two cores would inflate the step costs they
/// fit and leave nothing for the request path.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedMeasurementCollection
{
    public const string Name = "timed measurements";
}
