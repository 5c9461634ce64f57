// The cut between two touching digits: a boundary from the top of the ink to the bottom that severs as little
// ink as it can, so digits that lean into each other, or overhang each other, part along the gap between them.

/// Top-to-bottom boundaries through a patch that sever the least ink, found by dynamic programming (as in seam
/// carving, but free to jump sideways through background from one row to the next).
enum Seam {
    /// The path whose boundary severs the least ink: between a row's boundary b and the next row's b', the
    /// pixels of the columns between them fall on opposite sides of their neighbours above or below, so a path
    /// may jump sideways through background (under a 7's bar, around a slanted 1) at no cost, but not through
    /// ink. With p(y, x) the ink at (x, y), a boundary at x in row y severs p(y, x - 1) * p(y, x), and a jump
    /// from a to b between rows severs the sum of p(y - 1, c) * p(y, c) over the columns c between them.
    /// The path starts anywhere within `TouchingDigits.seamReach` of the height from source `column` and stays
    /// there and `minimumWidth` from both sides; it jumps at most `TouchingDigits.seamJump` of the height per row,
    /// and each column of a jump costs `TouchingDigits.seamStepCost` too, so that of equal paths the straighter
    /// wins. With D(y, i) the least ink severed down to row y ending at i:
    ///   D(y, i) = p(y, i - 1) * p(y, i) + min over j of D(y - 1, j) + jump(j, i) + step * |i - j|.
    /// - Returns: per row of `whole`, the source column where the right-hand side begins.
    static func find(in whole: InkPatch, near column: Int, minimumWidth: Int) -> [Int] {
        let reach = max(1, Int(TouchingDigits.seamReach * Float(whole.height)))
        let low = max(minimumWidth, column - whole.x0 - reach)
        let high = min(whole.width - minimumWidth, column - whole.x0 + reach + 1)
        guard low < high else { return [Int](repeating: column, count: whole.height) }
        let span = high - low, step = TouchingDigits.seamStepCost
        let jumpReach = max(1, Int(TouchingDigits.seamJump * Float(whole.height)))
        let ink = { (y: Int, x: Int) in Self.ink(whole, y, x) }
        let across = { (y: Int, i: Int) in ink(y, low + i - 1) * ink(y, low + i) }
        var total = (0..<span).map { across(0, $0) }
        var from = [Int](repeating: 0, count: span * whole.height)
        var prefix = [Float](repeating: 0, count: span + 1)
        for y in 1..<max(1, whole.height) {
            for i in 0..<span { prefix[i + 1] = prefix[i] + ink(y - 1, low + i) * ink(y, low + i) }
            var next = total
            for i in 0..<span {
                var best = i, bestTotal = total[i]
                for j in max(0, i - jumpReach)..<min(span, i + jumpReach + 1) where j != i {
                    let jump = abs(prefix[max(i, j)] - prefix[min(i, j)]) + step * Float(abs(i - j))
                    if total[j] + jump < bestTotal { (best, bestTotal) = (j, total[j] + jump) }
                }
                next[i] = bestTotal + across(y, i)
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

    /// The ink a path severs, as `find` counts it.
    static func severed(_ whole: InkPatch, _ path: [Int]) -> Float {
        let ink = { (y: Int, x: Int) in Self.ink(whole, y, x) }
        var total: Float = 0
        for (y, column) in path.enumerated() {
            let x = column - whole.x0
            total += ink(y, x - 1) * ink(y, x)
            if y > 0 {
                let before = path[y - 1] - whole.x0
                for c in min(x, before)..<max(x, before) { total += ink(y - 1, c) * ink(y, c) }
            }
        }
        return total
    }

    /// The ink at column `x` (patch coordinates) of row `y`; none beyond the sides.
    private static func ink(_ whole: InkPatch, _ y: Int, _ x: Int) -> Float {
        x >= 0 && x < whole.width ? whole.pixels[y * whole.width + x] : 0
    }
}
