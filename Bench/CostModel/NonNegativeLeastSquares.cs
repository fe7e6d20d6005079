namespace QwenVL.Bench.CostModel;

/// <summary>
/// Lawson and Hanson's active-set method for min ‖Ax − b‖ subject to x ≥ 0: a cost can be zero but never
/// negative, and a plain least-squares fit happily buys a better fit with a negative per-step overhead. Meant for
/// a handful of unknowns: each inner solve forms the normal equations of the free columns.
/// </summary>
public static class NonNegativeLeastSquares
{
    /// <param name="a">The design matrix, [rows, columns]; scale its columns to similar norms for a well-posed solve.</param>
    /// <param name="b">The targets, one per row.</param>
    public static double[] Solve(double[,] a, double[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int rows = a.GetLength(0), columns = a.GetLength(1);
        if (b.Length != rows) throw new ArgumentException($"{rows} rows but {b.Length} targets", nameof(b));
        var x = new double[columns];
        var free = new bool[columns];
        // Columns that made the free set singular: they add nothing the others do not, and stay at zero.
        var dependent = new bool[columns];
        // A gradient this small is rounding, not a direction in which the residual falls.
        double tolerance = 1e-10 * FrobeniusNorm(a) * Math.Sqrt(b.Sum(e => e * e));
        int iterations = 0, limit = 30 * columns;

        while (true)
        {
            var gradient = Gradient(a, b, x);
            int entering = -1;
            for (int j = 0; j < columns; j++)
            {
                if (!free[j] && !dependent[j] && gradient[j] > tolerance && (entering < 0 || gradient[j] > gradient[entering])) entering = j;
            }
            if (entering < 0) return x;
            free[entering] = true;
            for (bool first = true; ; first = false)
            {
                if (++iterations > limit) throw new InvalidOperationException($"the non-negative least-squares fit did not converge in {limit} iterations");
                var s = SolveFree(a, b, free);
                // In exact arithmetic the entering column's coefficient comes out positive; when rounding says
                // otherwise the column is as good as dependent on the others, and re-entering it would loop.
                if (s == null || (first && s[entering] <= 0))
                {
                    free[entering] = false;
                    dependent[entering] = true;
                    break;
                }
                if (AllPositive(s, free))
                {
                    Array.Copy(s, x, columns);
                    break;
                }
                // Step from x towards s until the first free coefficient reaches zero, then hold it there.
                double alpha = double.PositiveInfinity;
                int blocking = -1;
                for (int j = 0; j < columns; j++)
                {
                    if (!free[j] || s[j] > 0) continue;
                    double step = x[j] / (x[j] - s[j]);
                    if (step < alpha) (alpha, blocking) = (step, j);
                }
                for (int j = 0; j < columns; j++)
                {
                    if (!free[j]) continue;
                    x[j] += alpha * (s[j] - x[j]);
                    // The blocking coefficient lands on zero up to rounding; so may others at the same step.
                    if (j == blocking || x[j] <= 0)
                    {
                        x[j] = 0;
                        free[j] = false;
                    }
                }
            }
        }
    }

    /// <summary>Aᵀ(b − Ax): for a column at zero, whether raising it would lower the residual.</summary>
    private static double[] Gradient(double[,] a, double[] b, double[] x)
    {
        int rows = a.GetLength(0), columns = a.GetLength(1);
        var gradient = new double[columns];
        for (int i = 0; i < rows; i++)
        {
            double residual = b[i];
            for (int j = 0; j < columns; j++) residual -= a[i, j] * x[j];
            for (int j = 0; j < columns; j++) gradient[j] += a[i, j] * residual;
        }
        return gradient;
    }

    /// <summary>Unconstrained least squares over the free columns (the rest held at zero); null when they are linearly dependent.</summary>
    private static double[]? SolveFree(double[,] a, double[] b, bool[] free)
    {
        int rows = a.GetLength(0), columns = a.GetLength(1);
        var index = Enumerable.Range(0, columns).Where(j => free[j]).ToArray();
        int k = index.Length;
        var normal = new double[k, k + 1];
        for (int p = 0; p < k; p++)
        {
            for (int q = 0; q < k; q++)
            {
                double sum = 0;
                for (int i = 0; i < rows; i++) sum += a[i, index[p]] * a[i, index[q]];
                normal[p, q] = sum;
            }
            double right = 0;
            for (int i = 0; i < rows; i++) right += a[i, index[p]] * b[i];
            normal[p, k] = right;
        }
        var solution = GaussianElimination(normal, k);
        if (solution == null) return null;
        var s = new double[columns];
        for (int p = 0; p < k; p++) s[index[p]] = solution[p];
        return s;
    }

    /// <summary>Solves the k×k system augmented with its right-hand side, with partial pivoting; null when singular.</summary>
    private static double[]? GaussianElimination(double[,] m, int k)
    {
        double scale = 0;
        for (int p = 0; p < k; p++) scale = Math.Max(scale, Math.Abs(m[p, p]));
        for (int col = 0; col < k; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < k; r++)
            {
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            }
            if (Math.Abs(m[pivot, col]) <= 1e-12 * scale) return null;
            if (pivot != col)
            {
                for (int c = col; c <= k; c++) (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
            }
            for (int r = col + 1; r < k; r++)
            {
                double f = m[r, col] / m[col, col];
                for (int c = col; c <= k; c++) m[r, c] -= f * m[col, c];
            }
        }
        var x = new double[k];
        for (int r = k - 1; r >= 0; r--)
        {
            double sum = m[r, k];
            for (int c = r + 1; c < k; c++) sum -= m[r, c] * x[c];
            x[r] = sum / m[r, r];
        }
        return x;
    }

    private static bool AllPositive(double[] s, bool[] free)
    {
        for (int j = 0; j < s.Length; j++)
        {
            if (free[j] && s[j] <= 0) return false;
        }
        return true;
    }

    private static double FrobeniusNorm(double[,] a)
    {
        double sum = 0;
        foreach (double e in a) sum += e * e;
        return Math.Sqrt(sum);
    }
}
