using System.Globalization;
using System.Text;

namespace QwenVL.Http.Metrics;

/// <summary>
/// Prometheus' text exposition format (version 0.0.4), as prometheus_client writes it for vLLM: HELP and TYPE
/// lines, then samples carrying the same labels (model_name) on every metric.
/// </summary>
public sealed class PrometheusTextWriter(string labels)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    /// <summary>Labels written as Prometheus wants them: <c>model_name="x"</c>, the value escaped.</summary>
    public static PrometheusTextWriter WithModelName(string modelName) => new($"model_name=\"{Escape(modelName)}\"");

    public void Gauge(string name, string help, double value)
    {
        Header(name, help, "gauge");
        Sample(name, "", value);
    }

    public void Counter(string name, string help, double value)
    {
        Header(name, help, "counter");
        Sample(name, "", value);
    }

    /// <summary>One counter with an extra label, one sample per value of it.</summary>
    public void Counter(string name, string help, string label, IEnumerable<KeyValuePair<string, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Header(name, help, "counter");
        foreach (var (key, value) in values) Sample(name, $",{label}=\"{Escape(key)}\"", value);
    }

    /// <summary>One gauge with an extra label, one sample per value of it.</summary>
    public void Gauge(string name, string help, string label, IEnumerable<KeyValuePair<string, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Header(name, help, "gauge");
        foreach (var (key, value) in values) Sample(name, $",{label}=\"{Escape(key)}\"", value);
    }

    public void Histogram(string name, string help, HistogramSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Header(name, help, "histogram");
        for (int i = 0; i < snapshot.Bounds.Count; i++)
            Sample(name + "_bucket", $",le=\"{Number(snapshot.Bounds[i])}\"", snapshot.Cumulative[i]);
        Sample(name + "_bucket", ",le=\"+Inf\"", snapshot.Count);
        Sample(name + "_count", "", snapshot.Count);
        Sample(name + "_sum", "", snapshot.Sum);
    }

    public override string ToString() => _text.ToString();

    private void Header(string name, string help, string type)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    private void Sample(string name, string extraLabels, double value) =>
        _text.Append(name).Append('{').Append(labels).Append(extraLabels).Append("} ").Append(Number(value)).Append('\n');

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
