// The cut between two touching digits: a path from the top of the ink to the bottom that crosses as little
// ink as it can, so digits that lean into each other part along the gap between them.

/// Least-ink top-to-bottom paths through a patch, found by dynamic programming (as in seam carving).
enum Seam {
    /// The path that starts anywhere within `TouchingDigits.seamReach` of the height from source `column`,
    /// moves at most one column per row (each sideways step costing `TouchingDigits.seamStepCost`), stays
    /// `minimumWidth` from both sides, and crosses the least ink. With cost(y, x) the ink at (x, y):
    ///   total(y, x) = cost(y, x) + min(total(y - 1, x), total(y - 1, x +- 1) + step).
    /// - Returns: per row of `whole`, the source column where the right-hand side begins.
    static func find(in whole: InkPatch, near column: Int, minimumWidth: Int) -> [Int] {
        let reach = max(1, Int(TouchingDigits.seamReach * Float(whole.height)))
        let low = max(minimumWidth, column - whole.x0 - reach)
        let high = min(whole.width - minimumWidth, column - whole.x0 + reach + 1)
        guard low < high else { return [Int](repeating: column, count: whole.height) }
        let span = high - low, step = TouchingDigits.seamStepCost
        var total = (0..<span).map { whole.pixels[low + $0] }
        var from = [Int](repeating: 0, count: span * whole.height)
        for y in 1..<max(1, whole.height) {
            var next = total
            for i in 0..<span {
                var best = i, bestTotal = total[i]
                for j in [i - 1, i + 1] where j >= 0 && j < span && total[j] + step < bestTotal {
                    (best, bestTotal) = (j, total[j] + step)
                }
                next[i] = bestTotal + whole.pixels[y * whole.width + low + i]
                from[y * span + i] = best
            }
            total = next
        }
        var path = [Int](repeating: 0, count: whole.height)
        var at = total.indices.min { total[$0] < total[$1] }!
        for y in stride(from: whole.height - 1, through: 0, by: -1) {
            path[y] = whole.x0 + low + at
            at = from[y * span + at]
        }
        return path
    }
}
