// Tracing a skeleton into pen strokes: the runs between its ends and forks, joined as a pen would draw them.
// `digits stroke-numbers` writes MNIST digits this way, to read numbers as the pad reads a person's strokes.

extension StrokeRedraw {
    /// The skeleton traced into pen strokes, as a person would draw it: the runs between its ends and forks
    /// (`segments`) joined into as few strokes as a pen needs without going over a line twice. A stroke starts at
    /// an end where there is one (a fork where an odd number of runs meet counts as one) and, at each fork, goes
    /// on along the run that bends least, so a 6 is one stroke down its stem and round its loop, and an 8 one
    /// stroke through its crossing twice.
    public static func polylines(of skeleton: [InkPoint]) -> [[InkPoint]] {
        let runs = segments(of: skeleton)
        let key = pixelKey
        var at: [Int: [Int]] = [:]  // a run's end points -> the runs that end there (a loop twice)
        for (i, run) in runs.enumerated() where run.count > 1 {
            at[key(run[0]), default: []].append(i)
            at[key(run[run.count - 1]), default: []].append(i)
        }
        var used = runs.map { $0.count <= 1 }
        var strokes = runs.filter { $0.count == 1 }
        func unused(at point: Int) -> [Int] { (at[point] ?? []).filter { !used[$0] } }
        /// How far a run leaving `point` goes in the direction `heading`: the cosine between them.
        func straightness(_ run: [InkPoint], from point: Int, heading: (Float, Float)) -> Float {
            let path = key(run[0]) == point ? run : run.reversed()
            let ahead = path[min(path.count - 1, 4)]
            let (dx, dy) = (ahead.x - path[0].x, ahead.y - path[0].y)
            let length = (dx * dx + dy * dy).squareRoot()
            return length > 0 ? (dx * heading.0 + dy * heading.1) / length : -1
        }
        // Ends first, then odd forks, so strokes begin where a pen would; then whatever is left (loops, even forks).
        let starts = runs.filter { $0.count > 1 }.flatMap { [key($0[0]), key($0[$0.count - 1])] }
        let ends = starts.filter { at[$0]?.count == 1 }, oddForks = starts.filter { (at[$0]?.count ?? 0) % 2 == 1 }
        let ordered = ends + oddForks + starts
        for start in ordered {
            while !unused(at: start).isEmpty {
                var stroke: [InkPoint] = [], point = start, heading: (Float, Float)? = nil
                while let next = heading.map({ heading in
                    unused(at: point).max { straightness(runs[$0], from: point, heading: heading)
                        < straightness(runs[$1], from: point, heading: heading) }
                }) ?? unused(at: point).first {
                    used[next] = true
                    let path = key(runs[next][0]) == point ? runs[next] : runs[next].reversed()
                    stroke += stroke.isEmpty ? path : Array(path.dropFirst())
                    point = key(path[path.count - 1])
                    let back = path[max(0, path.count - 5)], end = path[path.count - 1]
                    let (dx, dy) = (end.x - back.x, end.y - back.y), length = (dx * dx + dy * dy).squareRoot()
                    heading = length > 0 ? (dx / length, dy / length) : heading
                }
                strokes.append(stroke)
            }
        }
        return strokes
    }

    /// The skeleton cut into runs: each run of pixels between two ends or forks (pixels with one neighbour, or
    /// three and more) is one polyline, and a closed loop with neither (a 0) one polyline that returns to its
    /// start. A lone pixel is a one-point polyline (a dot).
    static func segments(of skeleton: [InkPoint]) -> [[InkPoint]] {
        let key = pixelKey
        var index: [Int: Int] = [:]
        for (i, p) in skeleton.enumerated() { index[key(p)] = i }
        let around = [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)]
        // Mixed adjacency: a diagonal neighbour counts only when no side neighbour links the two already, so a
        // staircase is one path rather than a chain of triangles whose every corner looks like a fork.
        let neighbours: [[Int]] = skeleton.map { p in
            let at = key(p)
            return around.compactMap { dx, dy in
                if dx != 0 && dy != 0 && (index[at + dx] != nil || index[at + dy * 4096] != nil) { return nil }
                return index[at + dy * 4096 + dx]
            }
        }
        var walked = Set<Int>()  // links, as lower index * count + higher index
        func link(_ a: Int, _ b: Int) -> Int { min(a, b) * skeleton.count + max(a, b) }
        func isNode(_ i: Int) -> Bool { neighbours[i].count != 2 }
        /// Follows the skeleton from `start` through `next` until a node, or back to `start`.
        func walk(from start: Int, through next: Int) -> [InkPoint] {
            var line = [skeleton[start]], previous = start, current = next
            walked.insert(link(start, next))
            while true {
                line.append(skeleton[current])
                guard !isNode(current), current != start, let following = neighbours[current].first(where: {
                    $0 != previous && !walked.contains(link(current, $0))
                }) else { break }
                walked.insert(link(current, following))
                (previous, current) = (current, following)
            }
            return line
        }
        var lines: [[InkPoint]] = []
        for i in skeleton.indices where isNode(i) {
            if neighbours[i].isEmpty { lines.append([skeleton[i]]) }
            for next in neighbours[i] where !walked.contains(link(i, next)) {
                lines.append(walk(from: i, through: next))
            }
        }
        // What is left are loops without a node.
        for i in skeleton.indices {
            for next in neighbours[i] where !walked.contains(link(i, next)) {
                lines.append(walk(from: i, through: next))
            }
        }
        return lines
    }

    /// A skeleton pixel's key in the lookups here: its row and column in one number.
    static func pixelKey(_ p: InkPoint) -> Int { Int(p.y) * 4096 + Int(p.x) }
}
