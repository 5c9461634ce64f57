// Splitting a group of ink that may hold several touching digits: cut it wherever a seam severing little ink runs
// from top to bottom, read every run of consecutive slices as one digit, and keep the sequence of digits that scores
// best, found by dynamic programming (recognition-based segmentation of numeral strings: over-segment, then let
// the classifier choose how the slices join, as in Oliveira et al. 2002).

import Foundation

/// Decides whether, and where, one group of pieces splits into digits.
///
/// A group of width w and height h is a candidate when w / h >= `minimumAspect`. Its cuts
/// c_0 (left edge) < c_1 < ... < c_K (right edge) are top-to-bottom seams, each right of the one before in every
/// row. The ink between cuts c_i and c_j, read as one digit of width w_d, height h_d and ink m_d, with the
/// classifier's two likeliest digits p1 >= p2, scores
///   log p1 + `marginWeight` * log(p1 / p2) - `widthCost` * w_d / h + `heightReward` * h_d / h
///   - `shortPenalty` * max(0, `fullHeight` - h_d / h) - `widePenalty` * max(0, w_d / h_d - `typicalAspect`)
///   + `inkReward` * m_d / (stroke width * h_d) - `digitCost`,
/// less `aloneCost` when the group is all the ink there is and the digit is not the whole group. Each cut
/// between two digits costs `crossingCost` per stroke width of ink it severs (`Seam.severed`). The best reading
/// is the path through the cuts maximising the sum: best(j) = max over i < j of best(i) + score(i, j) - cost(c_i).
///
/// The weights were fitted to the whole reading, not to single digits: a structured perceptron (averaged) over
/// the candidate digits of numbers composed from MNIST's training digits (`scripts/bench-numbers.py --set train`,
/// seeds 7 and 13 with lengths 2-6, seed 22 with two digits, seed 21 with one), with each weight here divided by
/// the one the perceptron gave log p1; seed 11 was held out to check them. Never the test digits.
struct TouchingDigits {
    /// Groups narrower than this (width over height) are one digit. Lower than a digit's usual width, so that
    /// two touching 1s, or a 1 against a 4, are tried too (0.35 read the same on the training numbers).
    static let minimumAspect: Float = 0.45
    /// How much the classifier's margin over its runner-up counts beside its confidence.
    static let marginWeight: Float = 0.24
    /// Cost per unit of a digit's width over the group's height, and reward per unit of its height over it.
    static let widthCost: Float = 0.6
    static let heightReward: Float = 0.44
    /// Penalty per unit a digit falls short of `fullHeight` of the group's height: the digits of a number are
    /// about as tall as each other, while the pieces of one digit seldom are.
    static let fullHeight: Float = 0.75
    static let shortPenalty: Float = 0.93
    /// The width over height beyond which a digit is penalised, and by how much per unit.
    static let typicalAspect: Float = 0.8
    static let widePenalty: Float = 1.48
    /// Reward per unit of ink over stroke width times height: a stroke cut off a digit is thin ink.
    static let inkReward: Float = 0.26
    /// What every digit costs, so that more digits must earn their place.
    static let digitCost: Float = 0.9
    /// What a cut between two digits costs per stroke width of ink it severs: touching digits meet at a point,
    /// while a cut through one digit severs its strokes.
    static let crossingCost: Float = 0.89
    /// Extra cost per digit of a split when the group is all the ink (see `DigitSegmenter.splitsLoneGroup`): a
    /// lone group is likelier one digit. The smallest of those tried (0.17, 0.28, 0.34, 0.45) with which 3,000
    /// single training digits (seeds 21 and 23, lengths 1-1) read exactly as often as when lone groups stayed whole.
    static let aloneCost: Float = 0.4
    /// Each digit is at least this fraction of the group's height wide (a 1 is narrow, but not thinner)...
    static let minimumPartAspect: Float = 0.15
    /// ...at most this wide, unless it is the whole group...
    static let maximumPartAspect: Float = 1.3
    /// ...at least this fraction of the group's height tall...
    static let minimumPartHeight: Float = 0.4
    /// ...and holds at least this many stroke widths times the group's height of ink (a 1 holds about one).
    static let minimumPartInk: Float = 0.5
    /// Seams start every `seedSpacing` of the height across the group; of those, up to `cutsPerAspect` per unit
    /// of the group's width over height are kept, fewest severed ink first, no two within `cutSpacing` of the
    /// height. A seam may wander `seamReach` of the height either side of its start and jump up to `seamJump` of
    /// it from one row to the next, each column of a jump costing `seamStepCost` (in pixels of full ink
    /// severed). Seeds 0.05 apart read no more numbers than 0.1 (train seeds 7, 11, 13) at twice the cost.
    static let seedSpacing: Float = 0.1
    static let cutsPerAspect: Float = 3
    static let cutSpacing: Float = 0.08
    static let seamReach: Float = 0.2
    static let seamStepCost: Float = 0.02
    static let seamJump: Float = 0.1
    /// No group is cut in more places than this: with digits at most `maximumPartAspect` wide and cuts
    /// `cutSpacing` apart, a group costs at most about `maximumCuts` * 16 classifier calls, in one batch.
    static let maximumCuts = 24

    let classifier: any DigitClassifying
    /// Whether this group is all the ink there is.
    let isAlone: Bool

    /// A top-to-bottom cut: per row of the group, the source column where the right-hand side begins, and
    /// the ink it severs.
    struct Cut {
        var columns: [Int]
        var crossed: Float
        var meanColumn: Float { Float(columns.reduce(0, +)) / Float(max(1, columns.count)) }
    }

    /// The group's digits, left to right, each as its pieces.
    func split(_ group: [InkPatch]) -> [[InkPatch]] {
        let whole = InkPatch.union(group)
        guard whole.aspect >= Self.minimumAspect else { return [group] }
        let cuts = self.cuts(whole)
        guard cuts.count > 2 else { return [group] }
        let height = Float(whole.height), strokeWidth = Self.strokeWidth(whole)

        // Every run of slices that may be a digit, then all of them through the classifier at once.
        var spans: [(i: Int, j: Int, patch: InkPatch)] = [], images: [[Float]] = []
        for i in 0..<(cuts.count - 1) {
            for j in (i + 1)..<cuts.count {
                let isWhole = i == 0 && j == cuts.count - 1
                guard let patch = Self.slice(whole, from: cuts[i], to: cuts[j]) else { continue }
                if Float(patch.width) > Self.maximumPartAspect * height && !isWhole {
                    if i == 0 { continue } else { break }
                }
                guard isWhole || Self.mayBeDigit(patch, height: height, strokeWidth: strokeWidth),
                      let image = DigitPreprocessor.mnistImage(from: patch.pixels, width: patch.width,
                                                               height: patch.height) else { continue }
                spans.append((i, j, patch))
                images.append(image)
            }
        }
        let probabilities = classifier.uncalibratedProbabilities(forBatch: images)

        // best[j]: the best reading of the ink left of cut j, as its score, the cut it came from and its last span.
        var best = [(score: Float, from: Int, span: Int)](repeating: (-.infinity, -1, -1), count: cuts.count)
        best[0] = (0, -1, -1)
        for (k, span) in spans.enumerated().sorted(by: { $0.element.j < $1.element.j })
        where best[span.i].score > -.infinity {
            let isWhole = span.i == 0 && span.j == cuts.count - 1
            var score = best[span.i].score
                + Self.score(span.patch, probabilities: probabilities[k], height: height, strokeWidth: strokeWidth,
                             mayBeNonDigit: isWhole)
            if span.i > 0 { score -= Self.crossingCost * cuts[span.i].crossed / strokeWidth }
            if isAlone && !isWhole { score -= Self.aloneCost }
            if score > best[span.j].score { best[span.j] = (score, span.i, k) }
        }
        var digits: [[InkPatch]] = [], at = cuts.count - 1
        while at > 0, best[at].span >= 0 {
            digits.append([spans[best[at].span].patch])
            at = best[at].from
        }
        return at == 0 && digits.count > 1 ? digits.reversed() : [group]
    }

    /// A candidate digit's score (see the type's documentation), from its ink and the classifier's probabilities.
    /// With `mayBeNonDigit` (the whole group), "not a digit" ranks beside the digits, so that a letter or a cross
    /// written beside digits stays whole rather than being cut into digit-like halves; a part of a group is
    /// weighed as a digit only.
    static func score(_ patch: InkPatch, probabilities: [Float], height: Float, strokeWidth: Float,
                      mayBeNonDigit: Bool = false) -> Float {
        let classes = mayBeNonDigit ? probabilities.count : MNIST.classes
        var ranked = Array(probabilities.prefix(classes).sorted(by: >)) + [0, 0]
        ranked = ranked.map { log(max($0, .leastNormalMagnitude)) }
        let (width, tall) = (Float(patch.width) / height, Float(patch.height) / height)
        return ranked[0] + marginWeight * (ranked[0] - ranked[1]) - widthCost * width + heightReward * tall
            - shortPenalty * max(0, fullHeight - tall) - widePenalty * max(0, patch.aspect - typicalAspect)
            + inkReward * patch.mass / (strokeWidth * Float(patch.height)) - digitCost
    }

    /// Whether a slice is wide, tall and inky enough to be a digit rather than a stroke broken off one.
    static func mayBeDigit(_ patch: InkPatch, height: Float, strokeWidth: Float) -> Bool {
        Float(patch.width) >= minimumPartAspect * height && Float(patch.height) >= minimumPartHeight * height
            && patch.mass >= minimumPartInk * strokeWidth * height
    }

    /// The group's ink from cut `left` up to cut `right`, shrunk to its ink; nil when there is none.
    static func slice(_ whole: InkPatch, from left: Cut, to right: Cut) -> InkPatch? {
        let row = { (cut: Cut, y: Int) in cut.columns[min(max(y - whole.y0, 0), cut.columns.count - 1)] }
        return whole.cut(left: false) { row(left, $0) }?.cut(left: true) { row(right, $0) }
    }

    /// The group's cuts, left to right, its edges included: seams started every `seedSpacing` of the height,
    /// fewest severed ink first, none within `cutSpacing` of another. Each is kept right of the one before it in
    /// every row, so consecutive cuts bound a slice.
    func cuts(_ whole: InkPatch) -> [Cut] {
        let minimumWidth = max(1, Int(Self.minimumPartAspect * Float(whole.height)))
        let budget = min(Self.maximumCuts, Int((Self.cutsPerAspect * whole.aspect).rounded(.up)))
        let seedStep = max(1, Int(Self.seedSpacing * Float(whole.height)))
        let seeds = stride(from: whole.x0 + minimumWidth, to: whole.x1 - minimumWidth, by: seedStep)
        let candidates = seeds.map { column in
            let path = Seam.find(in: whole, near: column, minimumWidth: minimumWidth)
            return Cut(columns: path, crossed: Seam.severed(whole, path))
        }
        let spacing = Self.cutSpacing * Float(whole.height)
        var chosen: [Cut] = []
        for cut in candidates.sorted(by: { $0.crossed < $1.crossed }) where chosen.count < budget {
            if chosen.allSatisfy({ abs($0.meanColumn - cut.meanColumn) >= spacing }) { chosen.append(cut) }
        }
        var ordered = [Cut(columns: [Int](repeating: whole.x0, count: whole.height), crossed: 0)]
        for var cut in chosen.sorted(by: { $0.meanColumn < $1.meanColumn }) {
            let before = ordered[ordered.count - 1].columns
            if zip(cut.columns, before).contains(where: { $0 < $1 }) {
                cut.columns = zip(cut.columns, before).map(max)
                cut.crossed = Seam.severed(whole, cut.columns)
            }
            ordered.append(cut)
        }
        ordered.append(Cut(columns: [Int](repeating: whole.x1, count: whole.height), crossed: 0))
        return ordered
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
}
