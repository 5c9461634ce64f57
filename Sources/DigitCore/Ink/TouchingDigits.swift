// Splitting a group of ink that may hold several touching digits: try the cuts the ink suggests (between its
// pieces, and along seams through the thinnest columns) and keep the one whose halves the classifier reads
// most surely, when that beats reading the group as one digit.

import Foundation

/// Decides whether, and where, one group of pieces splits into digits.
///
/// A group of width w and height h is a candidate when w / h >= `minimumAspect`. As one digit it scores
///   log(confidence) - `widePenalty` * max(0, w / h - `typicalAspect`);
/// a cut into left and right scores
///   log(confidence(left)) + log(confidence(right)) - `crossingCost` * (ink the cut crosses / stroke width)
///   + `heightReward` * (height of the shorter half / h) - `splitCost` - context,
/// where context is `aloneCost` when the group is all the ink there is, and otherwise
/// -`widthReward` * (w / median group width - `pairWidth`). The better one wins; halves are tried again, so
/// three touching digits come apart in two steps. The constants were chosen on numbers composed from MNIST's
/// training digits (`scripts/bench-numbers.py --set train`), never its test digits.
struct TouchingDigits {
    /// Groups narrower than this (width over height) are one digit.
    static let minimumAspect: Float = 0.6
    /// The width over height beyond which a group is penalised for being one digit, and by how much per unit.
    static let typicalAspect: Float = 0.8
    static let widePenalty: Float = 0.75
    /// What a cut costs per stroke width of ink it crosses: touching digits meet at a point, while a cut
    /// through one digit crosses its strokes.
    static let crossingCost: Float = 0.3
    /// Reward for halves as tall as the group: two digits are, while the pieces of one digit seldom are.
    static let heightReward: Float = 1
    /// Log-probability any split costs.
    static let splitCost: Float = 0.6
    /// Extra cost when the group is all the ink (see `DigitSegmenter.splitsLoneGroup`): a lone group is
    /// likelier one digit than two.
    static let aloneCost: Float = 0.3
    /// Among other digits, a group wider than `pairWidth` times their median width earns this per unit.
    static let widthReward: Float = 1
    static let pairWidth: Float = 1.4
    /// Each half is at least this fraction of the group's height wide (a 1 is narrow, but not thinner).
    static let minimumPartAspect: Float = 0.15
    /// Seams tried per group, from the thinnest columns; columns closer than `cutSpacing` of the height count
    /// as one. A seam may wander `seamReach` of the height either side of its column, each sideways step
    /// costing `seamStepCost` (in pixels of full ink crossed).
    static let columnCuts = 10
    static let cutSpacing: Float = 0.06
    static let seamReach: Float = 0.2
    static let seamStepCost: Float = 0.02
    /// No group splits into more digits than this.
    static let maximumDigits = 12

    let classifier: any DigitClassifying
    /// The median width of the image's groups, or nil when this group is all the ink there is.
    let medianWidth: Float?

    /// The group's digits, left to right, each as its pieces.
    func split(_ group: [InkPatch], depth: Int = 1) -> [[InkPatch]] {
        let whole = InkPatch.union(group)
        guard depth < Self.maximumDigits, whole.aspect >= Self.minimumAspect,
              let alone = logConfidence(whole) else { return [group] }
        let wholeScore = alone - Self.widePenalty * max(0, whole.aspect - Self.typicalAspect)
        let context = medianWidth.map { Self.widthReward * (Float(whole.width) / $0 - Self.pairWidth) }
            ?? -Self.aloneCost
        let strokeWidth = Self.strokeWidth(whole)
        var best: (score: Float, left: [InkPatch], right: [InkPatch])?
        for (left, right, crossed) in candidates(group, whole: whole) {
            let (l, r) = (InkPatch.union(left), InkPatch.union(right))
            guard let leftScore = logConfidence(l), let rightScore = logConfidence(r) else { continue }
            let score = leftScore + rightScore - Self.crossingCost * crossed / strokeWidth
                + Self.heightReward * Float(min(l.height, r.height)) / Float(whole.height)
            if score > best?.score ?? -.infinity { best = (score, left, right) }
        }
        guard let best, best.score - Self.splitCost + context > wholeScore else { return [group] }
        return split(best.left, depth: depth + 1) + split(best.right, depth: depth + 1)
    }

    /// Ways to cut the group in two, with the ink each cut crosses: between its pieces ordered by position
    /// (crossing nothing), and along seams from the thinnest columns (each piece cut there). Both halves hold
    /// ink and are wide and heavy enough to be digits rather than a stroke broken off one (`partialMass`).
    func candidates(_ group: [InkPatch], whole: InkPatch) -> [(left: [InkPatch], right: [InkPatch], crossed: Float)] {
        let minimumWidth = max(1, Int(Self.minimumPartAspect * Float(whole.height)))
        let ordered = group.sorted { $0.centreX < $1.centreX }
        var result: [(left: [InkPatch], right: [InkPatch], crossed: Float)] = []
        for k in ordered.indices.dropFirst() {
            result.append((Array(ordered[..<k]), Array(ordered[k...]), 0))
        }
        for column in Self.thinnestColumns(whole, minimumWidth: minimumWidth) {
            let path = Seam.find(in: whole, near: column, minimumWidth: minimumWidth)
            let boundary = { (y: Int) in path[min(max(y - whole.y0, 0), path.count - 1)] }
            let left = group.compactMap { $0.cut(left: true, boundary: boundary) }
            let right = group.compactMap { $0.cut(left: false, boundary: boundary) }
            guard !left.isEmpty && !right.isEmpty else { continue }
            let crossed = path.enumerated().reduce(Float(0)) { $0 + whole.pixels[$1.0 * whole.width + $1.1 - whole.x0] }
            result.append((left, right, crossed))
        }
        let minimumMass = DigitSegmenter.partialMass * whole.mass
        return result.filter { pair in
            [pair.left, pair.right].allSatisfy { side in
                InkPatch.span(side) >= minimumWidth && side.reduce(0) { $0 + $1.mass } >= minimumMass
            }
        }
    }

    /// Up to `columnCuts` source columns where the ink is thinnest, at least `minimumWidth` from either side
    /// and `cutSpacing` apart, thinnest first.
    static func thinnestColumns(_ whole: InkPatch, minimumWidth: Int) -> [Int] {
        let profile = whole.columnProfile
        guard whole.width > 2 * minimumWidth else { return [] }
        let spacing = max(1, Int(cutSpacing * Float(whole.height)))
        var chosen: [Int] = []
        for column in (minimumWidth..<(whole.width - minimumWidth)).sorted(by: { profile[$0] < profile[$1] }) {
            guard chosen.count < columnCuts else { break }
            if chosen.allSatisfy({ abs($0 - column) >= spacing }) { chosen.append(column) }
        }
        return chosen.map { whole.x0 + $0 }
    }

    /// The typical thickness of the strokes: the median length of the runs of pixels at least half inked,
    /// along rows and along columns.
    static func strokeWidth(_ patch: InkPatch) -> Float {
        var runs: [Int] = []
        for (count, step, lines, lineStep) in [(patch.width, 1, patch.height, patch.width),
                                               (patch.height, patch.width, patch.width, 1)] {
            for line in 0..<lines {
                var run = 0
                for i in 0...count {
                    if i < count && patch.pixels[line * lineStep + i * step] >= 0.5 { run += 1; continue }
                    if run > 0 { runs.append(run) }
                    run = 0
                }
            }
        }
        return runs.isEmpty ? 1 : Float(runs.sorted()[runs.count / 2])
    }

    /// log of the classifier's confidence in the patch as one digit, or nil when it has no ink.
    func logConfidence(_ patch: InkPatch) -> Float? {
        guard let image = DigitPreprocessor.mnistImage(from: patch.pixels, width: patch.width,
                                                       height: patch.height) else { return nil }
        return log(max(classifier.uncalibratedProbabilities(for: image).max() ?? 0, .leastNormalMagnitude))
    }
}

extension InkPatch {
    /// Columns spanned by the patches together.
    static func span(_ patches: [InkPatch]) -> Int {
        (patches.map(\.x1).max() ?? 0) - (patches.map(\.x0).min() ?? 0)
    }
}
