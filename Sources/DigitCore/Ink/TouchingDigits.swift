// Splitting a group of ink that may hold several touching digits: cut it wherever a seam severing little ink runs
// from top to bottom, or along a boundary between its strokes or the parts it wears down to (`InkParts`), read every
// run of consecutive slices as one digit, and keep the sequence of digits that scores best, found by dynamic
// programming (recognition-based segmentation of numeral strings: over-segment, then let the classifier choose how
// the slices join, as in Oliveira et al. 2002).

import Foundation

/// Decides whether, and where, one group of pieces splits into digits.
///
/// A group of width w and height h is a candidate when w / h >= `minimumAspect`. Its cuts
/// c_0 (left edge) < c_1 < ... < c_K (right edge), in the order of their mean columns, are top-to-bottom seams,
/// each right of the one before in every row, and boundaries between the group's pieces (the pad's strokes, or an
/// image's blobs) and between the parts its ink wears down to (`InkParts`), which follow the ink. The ink between
/// cuts c_i and c_j, when c_j has all of c_i's ink on its left (`Cut.encloses`), read as one digit of width w_d,
/// height h_d and ink m_d, with the classifier's two likeliest digits p1 >= p2, scores the sum of its `Feature`s
/// times their `Weights`:
///   confidence log p1, margin log(p1 / p2), width w_d / h, height h_d / h,
///   short max(0, `fullHeight` - h_d / h), wide max(0, w_d / h_d - `typicalAspect`), ink m_d / (stroke width * h_d),
///   digit 1, crossing (stroke widths of ink severed by the cut c_i it starts at, `Cut.severed`; none at the left
///   edge), alone (1 when the group is all the ink there is and the digit is not the whole group), and nonDigit
///   (1 when the whole group reads as "not a digit").
/// The costs among them have negative weights. The best reading is the path through the cuts maximising the sum:
/// best(j) = max over i < j of best(i) + score(i, j), over the pairs that bound a slice.
///
/// `nonDigit` is 0: with one number in five carrying a letter or a scribble (`digits fit-segmentation
/// --non-digits Data/nondigits`), no value from -3 to 3 read more groups right. Touching digits read whole as a
/// mark are as common as marks that a cost would cut into digit-like halves.
public struct TouchingDigits: Sendable {
    /// Groups narrower than this (width over height) are one digit. Lower than a digit's usual width, so that
    /// two touching 1s, or a 1 against a 4, are tried too (0.35 read the same on the training numbers).
    static let minimumAspect: Float = 0.45
    /// Above this fraction of the group's height a digit is tall enough: the digits of a number are about as tall
    /// as each other, while the pieces of one digit seldom are (`Feature.short`).
    static let fullHeight: Float = 0.75
    /// The width over height beyond which a digit is wide (`Feature.wide`).
    static let typicalAspect: Float = 0.8
    /// Each digit is at least this fraction of the group's height wide: a 1 written straight is about a stroke
    /// wide (0.15 left such a 1 beside a 7 or a 9 no candidate of its own; 0.05 with the lower `minimumPartInk`
    /// read 92.5% of `digits fit-segmentation`'s held-out numbers instead of 92.1%, single digits the same)...
    static let minimumPartAspect: Float = 0.05
    /// ...at most this wide, unless it is the whole group...
    static let maximumPartAspect: Float = 1.3
    /// ...at least this fraction of the group's height tall...
    static let minimumPartHeight: Float = 0.4
    /// ...and holds at least this many stroke widths times the group's height of ink (a 1 holds about one, a
    /// thin 1 beside bold digits less).
    static let minimumPartInk: Float = 0.3
    /// A seam stays at least this fraction of the group's height from both its sides.
    static let seamMargin: Float = 0.15
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
    /// Where the strokes on either side of a boundary between pieces cross or touch, the ink they share, over the
    /// stroke width, counts this much as severed ink: a crossing of strokes w wide shares about w * w, and a cut
    /// across one stroke severs about w. Strokes of one digit cross (a 4's bar and stem, a crossed 7), and so do a
    /// crowded number's. Chosen among 0, 0.25, 0.5 and 1 in a one-off measurement on digits drawn as the tests draw
    /// them (pairs slid together until their strokes cross, and digits in styles MNIST lacks each followed by a 0
    /// that overlaps it): 0.25 read the most of both, and split none of the styled digits alone; with 0 a classifier
    /// sure of everything split more digits of several strokes, and 0.5 and 1 read the crowded pairs worse.
    /// `testDigitsWhoseStrokesCrossReadDigitForDigit` and `testDigitsOfSeveralStrokesStayWhole` keep some of them.
    static let crossingShare: Float = 0.25
    /// No group is cut in more places than this: with digits at most `maximumPartAspect` wide and cuts
    /// `cutSpacing` apart, a group costs at most about `maximumCuts` * 16 classifier calls, in one batch.
    static let maximumCuts = 24

    /// What each feature of a candidate digit counts for. Only their ratios matter to which reading wins, so
    /// `confidence` is 1 and the rest are in units of the classifier's log-probability.
    ///
    /// `fitted` came from `digits fit-segmentation --data Data/mnist` (`SegmentationFit`): a search from the
    /// weights fitted to the first network alone, over the candidate digits of numbers composed from the shipped
    /// model's validation digits, which it never trained on; never the test digits. It raised `short` from 0.93
    /// and `ink` from 0.26 (held-out numbers 92.5% -> 93.1%, single digits 99.0% either way). With
    /// `--non-digits` it would only raise `width` further, for 0.1 point, so that was left.
    public struct Weights: Sendable, Hashable {
        public var values: [Float]

        public init(_ values: [Float]) {
            precondition(values.count == Feature.allCases.count, "one weight per feature")
            self.values = values
        }

        public subscript(feature: Feature) -> Float {
            get { values[feature.rawValue] }
            set { values[feature.rawValue] = newValue }
        }

        /// The weights that read composed numbers best (see the type's documentation).
        public static let fitted = Weights([1, 0.24, -0.6, 0.44, -5.21, -1.48, 0.309, -0.9, -0.89, -0.4, 0])
    }

    /// What a candidate digit is scored on, each a number the weights multiply.
    public enum Feature: Int, CaseIterable, Sendable {
        /// log p1, over the digits (and "not a digit" for the whole group).
        case confidence
        /// log(p1 / p2): a clear winner over its runner-up.
        case margin
        /// The digit's width over the group's height.
        case width
        /// The digit's height over the group's height.
        case height
        /// How far its height falls short of `fullHeight` of the group's.
        case short
        /// How far its width over height exceeds `typicalAspect`.
        case wide
        /// Its ink over stroke width times its height: a stroke cut off a digit is thin ink.
        case ink
        /// 1 for every digit, so that more digits must earn their place.
        case digit
        /// Stroke widths of ink severed by the cut the digit starts at: touching digits meet at a point, while a
        /// cut through one digit severs its strokes.
        case crossing
        /// 1 for a part of a group that is all the ink there is: a lone group is likelier one digit. Its weight is
        /// not searched: -0.4 is the smallest cost of those tried (0.17, 0.28, 0.34, 0.45) with which 3,000 single
        /// training digits (`scripts/bench-numbers.py --set train --lengths 1-1`, seeds 21 and 23) read exactly as
        /// often as when lone groups stayed whole, and a search free to move it traded single digits for numbers.
        case alone
        /// 1 for the whole group read as "not a digit": what a mark costs beside a reading as digits.
        case nonDigit
    }

    /// A group's candidate readings: its cuts, and every run of slices between two of them that may be a digit,
    /// with its features.
    struct Lattice: Sendable {
        /// The digit between cuts i and j: its features (`Feature`), and the class the classifier finds likeliest
        /// (`MNIST.classes` for "not a digit", which only the whole group may be).
        struct Span: Sendable {
            let i: Int, j: Int
            let features: [Float]
            let label: Int
        }
        /// How many cuts the group has, its edges included: cut 0 is the left edge, `cutCount - 1` the right.
        let cutCount: Int
        let spans: [Span]
        /// Each span's ink (empty in a lattice `weighed` for fitting).
        let patches: [InkPatch]
        /// The spans' indices ordered by the cut each ends at: the order a single pass finds the best paths in,
        /// sorted once rather than on every search of the weights.
        let order: [Int]

        init(cutCount: Int, spans: [Span], patches: [InkPatch]) {
            (self.cutCount, self.spans, self.patches) = (cutCount, spans, patches)
            order = spans.indices.sorted { spans[$0].j < spans[$1].j }
        }

        /// The candidates and their features alone, without the ink, for a fit to hold many.
        var weighed: Lattice { Lattice(cutCount: cutCount, spans: spans, patches: []) }

        /// The spans of the best-scoring path from the left edge to the right edge, left to right; empty when no
        /// path reaches it.
        func bestPath(_ weights: Weights) -> [Int] {
            var best = [(score: Float, from: Int, span: Int)](repeating: (-.infinity, -1, -1), count: cutCount)
            best[0] = (0, -1, -1)
            for k in order where best[spans[k].i].score > -.infinity {
                let span = spans[k]
                var score = best[span.i].score
                for (weight, value) in zip(weights.values, span.features) { score += weight * value }
                if score > best[span.j].score { best[span.j] = (score, span.i, k) }
            }
            var path: [Int] = [], at = cutCount - 1
            while at > 0, best[at].span >= 0 {
                path.append(best[at].span)
                at = best[at].from
            }
            return at == 0 ? path.reversed() : []
        }

        /// The best-scoring path whose spans read `labels` in order; nil when no path does.
        func bestPath(_ weights: Weights, reading labels: [Int]) -> [Int]? {
            // best[k][c]: the best path from the left edge to cut c that has read labels[0..<k].
            var best = [[(score: Float, from: Int, span: Int)]](
                repeating: .init(repeating: (-.infinity, -1, -1), count: cutCount), count: labels.count + 1)
            best[0][0] = (0, -1, -1)
            for n in order {
                let span = spans[n]
                var score: Float = 0
                for (weight, value) in zip(weights.values, span.features) { score += weight * value }
                for k in labels.indices where labels[k] == span.label && best[k][span.i].score > -.infinity {
                    if best[k][span.i].score + score > best[k + 1][span.j].score {
                        best[k + 1][span.j] = (best[k][span.i].score + score, span.i, n)
                    }
                }
            }
            guard best[labels.count][cutCount - 1].score > -.infinity else { return nil }
            var path: [Int] = [], at = cutCount - 1
            for k in stride(from: labels.count, to: 0, by: -1) {
                path.append(best[k][at].span)
                at = best[k][at].from
            }
            return path.reversed()
        }
    }

    let classifier: any DigitClassifying
    /// Whether this group is all the ink there is.
    let isAlone: Bool
    var weights: Weights = .fitted
    /// Whether to try the boundaries between the parts the ink wears down to (`InkParts`): for an image, whose
    /// pieces are blobs in which touching digits are one. The pad's strokes part touching digits by themselves, and
    /// wearing down a group's ink on every readout would cost about a millisecond.
    var wearsDown = true

    /// A cut from the top of the group to the bottom: which of the group's pixels lie left of it, the ink it
    /// severs, and per row of the group the source column where its right-hand side begins, which orders and
    /// spaces the cuts. A seam's left side is what lies left of those columns, and it severs what `Seam.severed`
    /// counts; a boundary between parts (`InkParts`) has the parts' own pixels on its sides, so it may part digits
    /// that interleave in a row, and severs what `severed` counts. A boundary between the group's pieces, and the
    /// group's edges, also know which pieces lie on their left, so that a slice between two of them is its pieces
    /// whole, even where another piece crosses them.
    struct Cut {
        /// Which pixels lie on the left of a boundary between parts; a seam's are those left of its columns.
        private let mask: [Bool]?
        private let x0: Int, width: Int
        let columns: [Int]
        var crossed: Float
        /// Whether the cut is a seam (or an edge of the group), or a boundary between parts.
        let isSeam: Bool
        /// The indices of the group's pieces on its left, for a boundary between pieces or an edge.
        var pieces: Set<Int>?
        var meanColumn: Float { Self.mean(columns) }

        /// The seam along `columns` (per row, the first source column right of it).
        init(seam columns: [Int], in whole: InkPatch) {
            (mask, self.columns, isSeam) = (nil, columns, true)
            (x0, width) = (whole.x0, whole.width)
            crossed = Seam.severed(whole, columns)
        }

        /// The boundary between parts with `left` on its left (`columns` as `InkParts` gives them), severing
        /// `crossed`, or else what `severed` counts.
        init(parting left: [Bool], columns: [Int], crossed: Float? = nil, in whole: InkPatch) {
            (mask, self.columns, isSeam) = (left, columns, false)
            (x0, width) = (whole.x0, whole.width)
            self.crossed = crossed ?? Self.severed(whole, left)
        }

        /// Whether the group's pixel at index `at` lies on the cut's left.
        func isLeft(_ at: Int) -> Bool { mask?[at] ?? (x0 + at % width < columns[at / width]) }

        static func mean(_ columns: [Int]) -> Float { Float(columns.reduce(0, +)) / Float(max(1, columns.count)) }

        /// The ink a boundary severs: p(a) * p(b) over the pixels a and b, side by side or one above the other,
        /// that it puts on opposite sides (for a seam, the same as `Seam.severed`).
        static func severed(_ whole: InkPatch, _ left: [Bool]) -> Float {
            let (width, pixels) = (whole.width, whole.pixels)
            var total: Float = 0
            for y in 0..<whole.height {
                for x in 0..<width {
                    let at = y * width + x
                    guard pixels[at] > 0 else { continue }
                    if x + 1 < width && left[at] != left[at + 1] { total += pixels[at] * pixels[at + 1] }
                    if y + 1 < whole.height && left[at] != left[at + width] { total += pixels[at] * pixels[at + width] }
                }
            }
            return total
        }

        /// Whether every inked pixel (`ink`, the indices of the group's pixels that hold any) on `other`'s left is
        /// on this cut's left too. Seams are kept so (`cuts`), so only a boundary between parts is looked at.
        func encloses(_ other: Cut, ink: [Int]) -> Bool {
            if let pieces, let others = other.pieces { return pieces.isSuperset(of: others) }
            if isSeam && other.isSeam { return Self.mean(columns) >= Self.mean(other.columns) }
            return !ink.contains { other.isLeft($0) && !isLeft($0) }
        }
    }

    /// The group's digits, left to right, each as its pieces.
    func split(_ group: [InkPatch]) -> [[InkPatch]] {
        guard let lattice = lattice(group) else { return [group] }
        let path = lattice.bestPath(weights)
        return path.count > 1 ? path.map { [lattice.patches[$0]] } : [group]
    }

    /// The group's candidate digits, each read by the classifier (all in one batch); nil when the group is
    /// too narrow to hold two digits or has nowhere to cut.
    func lattice(_ group: [InkPatch]) -> Lattice? {
        let whole = InkPatch.union(group)
        guard whole.aspect >= Self.minimumAspect else { return nil }
        let cuts = self.cuts(whole, pieces: group)
        guard cuts.count > 2 else { return nil }
        let height = Float(whole.height), strokeWidth = Self.strokeWidth(whole)
        let ink = whole.pixels.indices.filter { whole.pixels[$0] > 0 }

        // Every run of slices that may be a digit, then all of them through the classifier at once.
        var spans: [(i: Int, j: Int, patch: InkPatch)] = [], images: [[Float]] = []
        for i in 0..<(cuts.count - 1) {
            // Past a seam whose slice from seam i is too wide, every later seam's is wider still.
            var seamsTooWide = false
            for j in (i + 1)..<cuts.count where !(seamsTooWide && cuts[j].isSeam) {
                let isWhole = i == 0 && j == cuts.count - 1
                guard cuts[j].encloses(cuts[i], ink: ink),
                      let patch = Self.slice(whole, from: cuts[i], to: cuts[j], pieces: group) else { continue }
                if Float(patch.width) > Self.maximumPartAspect * height && !isWhole {
                    seamsTooWide = seamsTooWide || (i > 0 && cuts[i].isSeam && cuts[j].isSeam)
                    continue
                }
                guard isWhole || Self.mayBeDigit(patch, height: height, strokeWidth: strokeWidth),
                      let image = DigitPreprocessor.mnistImage(from: patch.pixels, width: patch.width,
                                                               height: patch.height) else { continue }
                spans.append((i, j, patch))
                images.append(image)
            }
        }
        let probabilities = classifier.uncalibratedProbabilities(forBatch: images)
        return Lattice(cutCount: cuts.count, spans: zip(spans, probabilities).map { span, probabilities in
            let isWhole = span.i == 0 && span.j == cuts.count - 1
            var features = Self.features(span.patch, probabilities: probabilities, height: height,
                                         strokeWidth: strokeWidth, mayBeNonDigit: isWhole)
            features[Feature.crossing.rawValue] = cuts[span.i].crossed / strokeWidth
            features[Feature.alone.rawValue] = isAlone && !isWhole ? 1 : 0
            let classes = isWhole ? probabilities.count : MNIST.classes
            let label = probabilities.prefix(classes).indices.max { probabilities[$0] < probabilities[$1] } ?? 0
            features[Feature.nonDigit.rawValue] = label >= MNIST.classes ? 1 : 0
            return Lattice.Span(i: span.i, j: span.j, features: features, label: label)
        }, patches: spans.map(\.patch))
    }

    /// A candidate digit's features from its ink and the classifier's probabilities (`crossing` and `alone`,
    /// which depend on its place in the group, are left 0). With `mayBeNonDigit` (the whole group), "not a
    /// digit" ranks beside the digits, so that a letter or a cross written beside digits stays whole rather than
    /// being cut into digit-like halves; a part of a group is weighed as a digit only.
    static func features(_ patch: InkPatch, probabilities: [Float], height: Float, strokeWidth: Float,
                         mayBeNonDigit: Bool = false) -> [Float] {
        let classes = mayBeNonDigit ? probabilities.count : MNIST.classes
        var ranked = Array(probabilities.prefix(classes).sorted(by: >)) + [0, 0]
        ranked = ranked.map { log(max($0, .leastNormalMagnitude)) }
        let (width, tall) = (Float(patch.width) / height, Float(patch.height) / height)
        var features = [Float](repeating: 0, count: Feature.allCases.count)
        features[Feature.confidence.rawValue] = ranked[0]
        features[Feature.margin.rawValue] = ranked[0] - ranked[1]
        features[Feature.width.rawValue] = width
        features[Feature.height.rawValue] = tall
        features[Feature.short.rawValue] = max(0, fullHeight - tall)
        features[Feature.wide.rawValue] = max(0, patch.aspect - typicalAspect)
        features[Feature.ink.rawValue] = patch.mass / (strokeWidth * Float(patch.height))
        features[Feature.digit.rawValue] = 1
        return features
    }

    /// Whether a slice is wide, tall and inky enough to be a digit rather than a stroke broken off one.
    static func mayBeDigit(_ patch: InkPatch, height: Float, strokeWidth: Float) -> Bool {
        Float(patch.width) >= minimumPartAspect * height && Float(patch.height) >= minimumPartHeight * height
            && patch.mass >= minimumPartInk * strokeWidth * height
    }

    /// The group's ink from cut `left` up to cut `right`, shrunk to its ink; nil when there is none. Between two
    /// cuts that know their pieces, the pieces between them, drawn whole.
    static func slice(_ whole: InkPatch, from left: Cut, to right: Cut, pieces: [InkPatch]) -> InkPatch? {
        if let leftPieces = left.pieces, let rightPieces = right.pieces {
            let between = rightPieces.subtracting(leftPieces)
            return between.isEmpty ? nil : InkPatch.union(between.sorted().map { pieces[$0] }).keeping { _ in true }
        }
        return whole.keeping { right.isLeft($0) && !left.isLeft($0) }
    }

    /// The group's cuts, left to right, its edges included: seams started every `seedSpacing` of the height,
    /// fewest severed ink first, none within `cutSpacing` of another, each keeping what the one before it has on
    /// its left; and as many boundaries between the group's `pieces` and between the parts its ink wears down to
    /// (`InkParts`), chosen the same way among themselves. Two cuts bound a slice when the right one `encloses` the
    /// left one: any two seams do, and a seam and a boundary between parts do when the seam runs within a part.
    func cuts(_ whole: InkPatch, pieces: [InkPatch] = []) -> [Cut] {
        let minimumWidth = max(1, Int(Self.seamMargin * Float(whole.height)))
        let budget = min(Self.maximumCuts, Int((Self.cutsPerAspect * whole.aspect).rounded(.up)))
        let seedStep = max(1, Int(Self.seedSpacing * Float(whole.height)))
        let seeds = stride(from: whole.x0 + minimumWidth, to: whole.x1 - minimumWidth, by: seedStep)
        let seams = seeds.map { column in
            let path = Seam.find(in: whole, near: column, minimumWidth: minimumWidth)
            return (columns: path, crossed: Seam.severed(whole, path))
        }
        let strokeWidth = Self.strokeWidth(whole)
        let minimumInk = Self.minimumPartInk * strokeWidth * Float(whole.height)
        // Between pieces no stroke is severed, but the ink that strokes on either side share counts in part.
        let parted = InkParts.boundaries(in: whole, between: pieces, minimumInk: minimumInk).map {
            let shared = InkParts.overlap(of: pieces, left: $0.parts, in: whole)
            var cut = Cut(parting: $0.left, columns: $0.columns, crossed: Self.crossingShare * shared / strokeWidth,
                          in: whole)
            cut.pieces = $0.parts
            return cut
        } + (wearsDown ? InkParts.boundaries(in: whole, strokeWidth: strokeWidth, minimumInk: minimumInk) : []).map {
            Cut(parting: $0.left, columns: $0.columns, in: whole)
        }
        // The indices of up to `budget` of the candidates, fewest severed first, spaced, left to right.
        let spacing = Self.cutSpacing * Float(whole.height)
        func choose(_ candidates: [(columns: [Int], crossed: Float)]) -> [Int] {
            var chosen: [(index: Int, mean: Float)] = []
            for index in candidates.indices.sorted(by: { candidates[$0].crossed < candidates[$1].crossed })
            where chosen.count < budget {
                let mean = Cut.mean(candidates[index].columns)
                if chosen.allSatisfy({ abs($0.mean - mean) >= spacing }) { chosen.append((index, mean)) }
            }
            return chosen.sorted { $0.mean < $1.mean }.map(\.index)
        }
        var leftEdge = Cut(seam: [Int](repeating: whole.x0, count: whole.height), in: whole)
        var rightEdge = Cut(seam: [Int](repeating: whole.x1, count: whole.height), in: whole)
        if !pieces.isEmpty { (leftEdge.pieces, rightEdge.pieces) = ([], Set(pieces.indices)) }
        var ordered = [leftEdge]
        var before = ordered[0].columns
        for index in choose(seams) {
            before = zip(seams[index].columns, before).map(max)
            ordered.append(Cut(seam: before, in: whole))
        }
        let parts = choose(parted.map { ($0.columns, $0.crossed) }).map { parted[$0] }
        ordered = [ordered[0]] + (ordered.dropFirst() + parts).sorted { $0.meanColumn < $1.meanColumn }
        ordered.append(rightEdge)
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

