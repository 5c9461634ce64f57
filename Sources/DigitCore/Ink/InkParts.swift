// Where digits that touch or overlap part: the ink worn away from its edges until it falls apart into cores, every
// inked pixel given back to the core it reaches first along the ink, and the boundary between the parts left and
// right of each gap, row by row. A seam (`Seam`) runs top to bottom within a band of columns; a boundary between
// parts follows the ink wherever it goes, so a 6 whose top leans over the 9 before it, or a 2 whose base runs under
// the 3 after it, comes out whole.

/// Boundaries between the parts of a group of ink, for `TouchingDigits` to cut along beside its seams.
enum InkParts {
    /// From this coverage a pixel counts as ink (as `TouchingDigits.strokeWidth` measures strokes).
    static let inkLevel: Float = 0.5
    /// A core smaller than this fraction of the largest at its depth is a stroke's end worn thin, not a part.
    static let coreFraction: Float = 0.15
    /// The ink is worn away at most this fraction of the stroke width from each side: deep enough to part
    /// digits that touch by a stroke's width, while a digit's own strokes keep a core...
    static let deepest: Float = 0.6
    /// ...in this many steps after depth 0, so that a large image's thick strokes cost no more than thin ones.
    static let depthSteps = 6

    /// A boundary: which of the group's pixels lie on its left, per row of the group the source column where its
    /// right-hand side begins, and the parts on its left.
    typealias Boundary = (left: [Bool], columns: [Int], parts: Set<Int>)

    /// The boundaries between the parts `whole` wears down to, left to right within a depth and depth after depth
    /// (duplicates left out), for depths from 0 to `deepest` of the stroke width in `depthSteps` steps. At depth 0 the
    /// parts are the blobs of ink as they are; at depth d, the cores are the ink at least d + 1 pixels from the
    /// background (chessboard distance), each pixel goes to the core it reaches first through ink, and a blob without a
    /// core stays one part. Parts are ordered by the mean column of their ink; the boundary after the k-th has the
    /// first k parts' pixels on its left, and its column in row y is just right of their rightmost ink there (or at the
    /// rest's leftmost ink, in a row where the first k have none), which also places the background. Only boundaries
    /// with at least `minimumInk` on each side are given.
    static func boundaries(in whole: InkPatch, strokeWidth: Float, minimumInk: Float)
        -> [Boundary] {
        let (width, height) = (whole.width, whole.height)
        let ink = whole.pixels.map { $0 >= inkLevel }, reach = whole.pixels.map { $0 > 0 }
        let depth = distances(ink, width: width, height: height)
        let levels = Set((0...Self.depthSteps).map { Int(Float($0) / Float(Self.depthSteps) * deepest * strokeWidth) })
        var found: [Boundary] = [], seen = Set<[Bool]>()
        var lastParts: [Int32] = []
        for level in levels.sorted() {
            let parts = self.parts(reach, depth: depth, level: level, width: width, height: height)
            guard parts.labels != lastParts else { continue }
            lastParts = parts.labels
            guard parts.count > 1 else { continue }
            for boundary in self.boundaries(parts, whole: whole, minimumInk: minimumInk)
            where !seen.contains(boundary.left) {
                seen.insert(boundary.left)
                found.append(boundary)
            }
        }
        return found
    }

    /// The boundaries between `pieces` (strokes, or blobs) of the group `whole`, each pixel going to the piece
    /// with the most ink there, and `parts` the indices of the pieces on its left: strokes that cross are parted
    /// where no wearing down of their ink would part them.
    static func boundaries(in whole: InkPatch, between pieces: [InkPatch], minimumInk: Float)
        -> [Boundary] {
        guard pieces.count > 1 else { return [] }
        var labels = [Int32](repeating: -1, count: whole.pixels.count)
        var most = [Float](repeating: 0, count: labels.count)
        for (label, piece) in pieces.enumerated() {
            piece.forEachInk(in: whole) { at, value in
                if value > most[at] { (labels[at], most[at]) = (Int32(label), value) }
            }
        }
        return boundaries(Parts(labels: labels, count: pieces.count), whole: whole, minimumInk: minimumInk)
    }

    /// The ink the pieces in `left` and the others share: the sum over the group's pixels of the lesser of the two
    /// sides' coverage. Where two strokes of width w cross, about w * w.
    static func overlap(of pieces: [InkPatch], left: Set<Int>, in whole: InkPatch) -> Float {
        var leftInk = [Float](repeating: 0, count: whole.pixels.count), rightInk = leftInk
        for (index, piece) in pieces.enumerated() {
            let isLeft = left.contains(index)
            piece.forEachInk(in: whole) { at, value in
                if isLeft { leftInk[at] = max(leftInk[at], value) } else { rightInk[at] = max(rightInk[at], value) }
            }
        }
        return zip(leftInk, rightInk).reduce(0) { $0 + min($1.0, $1.1) }
    }

    /// Each pixel's distance to the nearest background pixel (or the patch's edge), by two chamfer passes with
    /// steps 1 sideways and `diagonal` across a corner: 0 for background, 1 for ink on its edge. With a diagonal of
    /// 1 it is the chessboard distance that wears ink down here; `StrokeRedraw.punchBlobs` measures with 1.4, nearer
    /// the Euclidean distance.
    static func distances(_ ink: [Bool], width: Int, height: Int, diagonal: Float = 1) -> [Float] {
        let far = Float(width + height)
        var distance = ink.map { $0 ? far : 0 }
        func at(_ x: Int, _ y: Int) -> Float {
            x < 0 || y < 0 || x >= width || y >= height ? 0 : distance[y * width + x]
        }
        for y in 0..<height {
            for x in 0..<width where ink[y * width + x] {
                distance[y * width + x] = min(distance[y * width + x], min(at(x - 1, y), at(x, y - 1)) + 1,
                                              min(at(x - 1, y - 1), at(x + 1, y - 1)) + diagonal)
            }
        }
        for y in stride(from: height - 1, through: 0, by: -1) {
            for x in stride(from: width - 1, through: 0, by: -1) where ink[y * width + x] {
                distance[y * width + x] = min(distance[y * width + x], min(at(x + 1, y), at(x, y + 1)) + 1,
                                              min(at(x + 1, y + 1), at(x - 1, y + 1)) + diagonal)
            }
        }
        return distance
    }

    /// The ink's pixels labelled by part (-1 for background), and how many parts there are.
    struct Parts {
        var labels: [Int32]
        var count: Int
    }

    /// The parts at one depth (see `boundaries`): cores from `depth`, spread through the pixels `reach` marks
    /// (all that hold any ink, so that the faint edges of strokes go with them).
    static func parts(_ reach: [Bool], depth: [Float], level: Int, width: Int, height: Int) -> Parts {
        var labels = [Int32](repeating: -1, count: reach.count)
        // The cores: 8-connected blobs of the ink deeper than `level`, the small ones left out.
        var cores = components(where: { depth[$0] > Float(level) }, count: reach.count, width: width, height: height)
        let largest = cores.map(\.count).max() ?? 0
        cores.removeAll { Float($0.count) < coreFraction * Float(largest) }
        // Breadth first from every core at once, through ink.
        var queue: [Int] = [], head = 0
        for (label, core) in cores.enumerated() {
            for pixel in core { labels[pixel] = Int32(label); queue.append(pixel) }
        }
        func spread() {
            while head < queue.count {
                let at = queue[head]; head += 1
                let (x, y) = (at % width, at / width)
                for ny in max(0, y - 1)...min(height - 1, y + 1) {
                    for nx in max(0, x - 1)...min(width - 1, x + 1) {
                        let next = ny * width + nx
                        if reach[next] && labels[next] < 0 { labels[next] = labels[at]; queue.append(next) }
                    }
                }
            }
        }
        spread()
        // Blobs no core reached are a part each.
        var count = cores.count
        for start in reach.indices where reach[start] && labels[start] < 0 {
            labels[start] = Int32(count)
            queue.append(start)
            spread()
            count += 1
        }
        return Parts(labels: labels, count: count)
    }

    /// The 8-connected blobs of the pixels that satisfy `member`, each as its pixel indices.
    static func components(where member: (Int) -> Bool, count: Int, width: Int, height: Int) -> [[Int]] {
        var visited = [Bool](repeating: false, count: count)
        var blobs: [[Int]] = [], stack: [Int] = []
        for start in 0..<count where !visited[start] && member(start) {
            var blob: [Int] = []
            visited[start] = true
            stack.append(start)
            while let at = stack.popLast() {
                blob.append(at)
                let (x, y) = (at % width, at / width)
                for ny in max(0, y - 1)...min(height - 1, y + 1) {
                    for nx in max(0, x - 1)...min(width - 1, x + 1) {
                        let next = ny * width + nx
                        if !visited[next] && member(next) { visited[next] = true; stack.append(next) }
                    }
                }
            }
            blobs.append(blob)
        }
        return blobs
    }

    /// The boundary after each part but the last, parts ordered by the mean column of their ink: the pixels of the
    /// parts before it on its left, and each row's background left of its column.
    static func boundaries(_ parts: Parts, whole: InkPatch, minimumInk: Float) -> [Boundary] {
        let (width, height) = (whole.width, whole.height)
        var columnSum = [Float](repeating: 0, count: parts.count), mass = [Float](repeating: 0, count: parts.count)
        for (at, label) in parts.labels.enumerated() where label >= 0 {
            columnSum[Int(label)] += Float(at % width) * whole.pixels[at]
            mass[Int(label)] += whole.pixels[at]
        }
        let order = (0..<parts.count).filter { mass[$0] > 0 }
            .sorted { columnSum[$0] / mass[$0] < columnSum[$1] / mass[$1] }
        var rank = [Int](repeating: 0, count: parts.count)
        for (place, part) in order.enumerated() { rank[part] = place }
        let total = mass.reduce(0, +)
        var leftMass: Float = 0
        var result: [Boundary] = []
        for k in 1..<max(1, order.count) {
            leftMass += mass[order[k - 1]]
            guard leftMass >= minimumInk, total - leftMass >= minimumInk else { continue }
            // Per row: the rightmost ink of parts ranked below k, and the leftmost of the others.
            var boundary = [Int](repeating: -1, count: height)
            for y in 0..<height {
                var leftEdge = -1, rightEdge = width
                for x in 0..<width {
                    let label = parts.labels[y * width + x]
                    guard label >= 0 else { continue }
                    if rank[Int(label)] < k { leftEdge = x } else if rightEdge == width { rightEdge = x }
                }
                if leftEdge >= 0 { boundary[y] = leftEdge + 1 } else if rightEdge < width { boundary[y] = rightEdge }
            }
            // Rows without ink take the nearest row's boundary above, or below for the first rows.
            guard let first = boundary.firstIndex(where: { $0 >= 0 }) else { continue }
            for y in 0..<height {
                if boundary[y] < 0 { boundary[y] = y < first ? boundary[first] : boundary[y - 1] }
            }
            let left = parts.labels.indices.map { at in
                let label = parts.labels[at]
                return label >= 0 ? rank[Int(label)] < k : at % width < boundary[at / width]
            }
            result.append((left, boundary.map { whole.x0 + $0 }, Set(order.prefix(k))))
        }
        return result
    }
}
