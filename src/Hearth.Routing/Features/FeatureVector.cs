namespace Hearth.Routing.Features;

/// <summary>Features of one request: hashed sparse part (unique indices, values) plus raw dense designed features.</summary>
internal sealed record FeatureVector(int[] Indices, float[] Values, double[] Dense);
