namespace QwenVL.Cuda.Vision;

/// <summary>
/// Where each patch sits in its frame, for the vision tower's 2-D rotary: (row, column) per patch in the order the
/// pixel patches are laid out (merge×merge windows row by row, the patches of a window row by row, frame after frame).
/// The rotary turns them by <see cref="Runtime.Positions.RotaryFrequencies.Vision"/>.
/// </summary>
public static class VisionPatchPositions
{
    /// <summary>Writes 2·gridT·gridH·gridW ints: row then column of each patch.</summary>
    public static void Fill(int gridT, int gridH, int gridW, int merge, Span<int> destination)
    {
        if (gridT <= 0 || gridH <= 0 || gridW <= 0 || merge <= 0 || gridH % merge != 0 || gridW % merge != 0)
            throw new ArgumentException($"grid {gridT}x{gridH}x{gridW} does not split into {merge}x{merge} windows");
        int frame = gridH * gridW;
        if (destination.Length < 2L * gridT * frame)
            throw new ArgumentException($"the destination holds {destination.Length} ints, {2L * gridT * frame} needed", nameof(destination));
        int index = 0;
        for (int bh = 0; bh < gridH / merge; bh++)
        for (int bw = 0; bw < gridW / merge; bw++)
        for (int mh = 0; mh < merge; mh++)
        for (int mw = 0; mw < merge; mw++)
        {
            destination[2 * index] = bh * merge + mh;
            destination[2 * index + 1] = bw * merge + mw;
            index++;
        }
        for (int t = 1; t < gridT; t++) destination[..(2 * frame)].CopyTo(destination[(2 * t * frame)..]);
    }
}
