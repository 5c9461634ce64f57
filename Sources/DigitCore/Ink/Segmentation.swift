// Segmentation: splits the ink of a number into its digits, left to right. Pieces (strokes, or an image's
// connected blobs) that overlap horizontally form one digit, so a 5 drawn in two strokes or a 4 with a
// detached stem stays whole; a group too wide for one digit is split where the classifier is surest.

import Synchronization

/// Splits ink into digit regions, each ready for `DigitPreprocessor.mnistImage`.
public struct DigitSegmenter: Sendable {
    /// Two pieces belong to one digit when their column ranges overlap by at least this fraction of the
    /// narrower one's width...
    public static let overlapToJoin: Float = 0.4
    /// ...when their rows are at most this fraction of the taller one's height apart.
    public static let rowGapToJoin: Float = 0.5
    /// A group with less than this fraction of the heaviest group's ink is a speck, not a digit.
    public static let speckMassFraction: Float = 0.05
    /// Whether ink that forms a single group may still be cut into touching digits. On: a two-digit number whose
    /// digits touch is one group, and is read as two digits when the split beats the whole by
    /// `TouchingDigits.Feature.alone` per digit (on `scripts/bench-numbers.py --set train --lengths 2-2 --seed 22`,
    /// 95.8% of two-digit numbers read exactly instead of 87.4%), while single training digits scaled 3-5x read
    /// as before (seeds 21 and 23, lengths 1-1).
    public static let splitsLoneGroup = true
    /// No digit is fewer pixels tall than this.
    public static let minimumHeight = 8
    /// Pieces with less than this fraction of the heaviest piece's ink are dust, ignored before grouping.
    public static let dustMassFraction: Float = 0.005
    /// A group less than this fraction of the tallest group's height is part of a digit, not a digit.
    public static let partialHeight: Float = 0.5
    /// A group with less than this fraction of the heaviest group's ink is part of a digit (a thin 1 beside
    /// a bold 8 still has more than twice as much).
    public static let partialMass: Float = 0.15
    /// A light group at least this fraction of the tallest group's height is a digit all the same: a thin 1
    /// beside bold digits, which joined its neighbour and read as one digit with it (0.7-0.9 read the same on
    /// `scripts/bench-numbers.py --set train`, seeds 7 and 11).
    public static let fullHeight: Float = 0.8
    /// How far from a digit (across or up and down) a short group may lie and still join it, as a fraction
    /// of the tallest height.
    public static let partialReach: Float = 0.5

    /// Scores candidate splits of touching digits...
    let classifier: any DigitClassifying
    /// ...with these weights.
    public let weights: TouchingDigits.Weights

    /// The splits of the last reading's groups, for the next reading to reuse.
    private let memo = SplitMemo()

    public init(classifier: any DigitClassifying, weights: TouchingDigits.Weights = .fitted) {
        (self.classifier, self.weights) = (classifier, weights)
    }

    /// The digits of a drawing, left to right. Strokes are grouped, never cut into, unless one group is too
    /// wide to be one digit. With a single digit the region is the whole canvas as `InkCanvas` renders it,
    /// so a lone digit reads exactly as it did before numbers.
    public func regions(strokes: [Stroke], width: Int, height: Int) -> [InkPatch] {
        let pieces = InkPieces.strokes(strokes, width: width, height: height)
        return regions(of: pieces, wearsDown: false) {
            var canvas = InkCanvas(width: width, height: height)
            canvas.render(strokes)
            return InkPatch(x0: 0, y0: 0, width: width, height: height, pixels: canvas.pixels)
        }
    }

    /// The digits of a coverage image (0 = background, 1 = full ink), left to right, from its connected
    /// blobs. With a single digit the region is the whole image, specks and all, as before numbers.
    public func regions(coverage pixels: [Float], width: Int, height: Int) -> [InkPatch] {
        guard width > 0, height > 0 else { return [] }
        let pieces = InkPieces.components(of: pixels, width: width, height: height)
        return regions(of: pieces, wearsDown: true) {
            InkPatch(x0: 0, y0: 0, width: width, height: height, pixels: pixels)
        }
    }

    /// Groups the pieces, drops specks, splits groups of touching digits, and orders the digits by position.
    /// Ink that forms one group is read whole, however small, as it always was. `wearsDown`: whether touching
    /// digits may be one piece (an image's blob), as `TouchingDigits.wearsDown`.
    func regions(of pieces: [InkPatch], wearsDown: Bool, whole: () -> InkPatch) -> [InkPatch] {
        let groups = Self.digitGroups(of: pieces)
        guard groups.count > 1 || Self.splitsLoneGroup else { return groups.isEmpty ? [] : [whole()] }
        var splitter = TouchingDigits(classifier: classifier, isAlone: groups.count == 1, weights: weights)
        splitter.wearsDown = wearsDown
        let digits = memo.splits(of: groups, isAlone: groups.count == 1, wearsDown: wearsDown,
                                 model: classifier.answeringModel, by: splitter.split)
        if digits.count == 1 && groups.count == 1 { return [whole()] }
        return digits.map(InkPatch.union).sorted { $0.centreX < $1.centreX }
    }

    /// The groups of pieces that may each be one digit or several touching ones, before any is split: dust
    /// (a photo's noise can leave thousands of one-pixel blobs) dropped before the pairwise grouping, partial
    /// groups joined to their digits, and specks dropped unless the ink is one group.
    static func digitGroups(of pieces: [InkPatch]) -> [[InkPatch]] {
        let heaviest = pieces.map(\.mass).max() ?? 0
        let pieces = pieces.filter { $0.mass >= Self.dustMassFraction * heaviest }
        let grouped = Self.attachingPartials(Self.groups(of: pieces))
        return grouped.count == 1 ? grouped : Self.droppingSpecks(grouped)
    }

    /// Pieces joined transitively whenever two overlap enough horizontally (`overlapToJoin`).
    static func groups(of pieces: [InkPatch]) -> [[InkPatch]] {
        var parent = Array(pieces.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        for i in pieces.indices {
            for j in pieces.indices.dropFirst(i + 1) where overlapsEnough(pieces[i], pieces[j]) {
                parent[root(i)] = root(j)
            }
        }
        var members: [Int: [InkPatch]] = [:]
        for i in pieces.indices { members[root(i), default: []].append(pieces[i]) }
        return members.keys.sorted().map { members[$0]! }
    }

    /// Column ranges overlapping by `overlapToJoin` of the narrower width, and rows no further apart than
    /// `rowGapToJoin` of the taller height (a 5's bar sits on its body; dots in one column of a noisy photo
    /// do not make a digit).
    static func overlapsEnough(_ a: InkPatch, _ b: InkPatch) -> Bool {
        let overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
        let rowGap = max(a.y0, b.y0) - min(a.y1, b.y1)
        return overlap > 0 && Float(overlap) >= overlapToJoin * Float(min(a.width, b.width))
            && Float(rowGap) <= rowGapToJoin * Float(max(a.height, b.height))
    }

    /// Groups far shorter than the tallest (`partialHeight`) or far lighter than the heaviest (`partialMass`)
    /// and not nearly as tall (`fullHeight`), such as a 5's detached bar or a stroke broken off a digit, join
    /// the group they overlap most horizontally, or failing that the nearest one, among the whole digits
    /// within `partialReach` of the tallest height in both directions; a mark far from any digit stays alone.
    static func attachingPartials(_ groups: [[InkPatch]]) -> [[InkPatch]] {
        let boxes = groups.map(InkPatch.bounds), masses = groups.map { $0.reduce(0) { $0 + $1.mass } }
        guard let tallest = boxes.map(\.height).max(), let heaviest = masses.max() else { return groups }
        let reach = partialReach * Float(tallest)
        let partial = boxes.indices.map { i in
            Float(boxes[i].height) < partialHeight * Float(tallest)
                || (masses[i] < partialMass * heaviest && Float(boxes[i].height) < fullHeight * Float(tallest))
        }
        var merged = groups, absorbed = Set<Int>()
        for (i, box) in boxes.enumerated() where partial[i] {
            // Overlap in columns; negative for the gap between two boxes that do not overlap.
            let closeness = boxes.indices.map { j in
                let rowGap = max(box.y, boxes[j].y) - min(box.y + box.height, boxes[j].y + boxes[j].height)
                guard !partial[j], Float(rowGap) <= reach else { return Int.min }
                return min(box.x + box.width, boxes[j].x + boxes[j].width) - max(box.x, boxes[j].x)
            }
            guard let host = closeness.indices.max(by: { closeness[$0] < closeness[$1] }),
                  closeness[host] > Int.min, Float(-closeness[host]) <= reach else { continue }
            merged[host] += merged[i]
            absorbed.insert(i)
        }
        return merged.indices.filter { !absorbed.contains($0) }.map { merged[$0] }
    }

    /// The groups without those far lighter than the heaviest (`speckMassFraction`) or shorter than
    /// `minimumHeight`: no digit is written that small, while a noisy photo leaves many such dots.
    static func droppingSpecks(_ groups: [[InkPatch]]) -> [[InkPatch]] {
        let masses = groups.map { $0.reduce(0) { $0 + $1.mass } }
        guard let heaviest = masses.max() else { return [] }
        return zip(groups, masses).filter { group, mass in
            mass >= speckMassFraction * heaviest && InkPatch.bounds(group).height >= minimumHeight
        }.map(\.0)
    }
}

extension InkPatch {
    /// The rectangle the patches span together.
    static func bounds(_ patches: [InkPatch]) -> Rect {
        let left = patches.map(\.x0).min() ?? 0, top = patches.map(\.y0).min() ?? 0
        return Rect(x: left, y: top, width: (patches.map(\.x1).max() ?? 0) - left,
                         height: (patches.map(\.y1).max() ?? 0) - top)
    }

    /// The middle of the patch's columns, in source coordinates.
    var centreX: Float { Float(x0) + Float(width) / 2 }
}

/// The digits each group of the last reading split into. The pad reads the whole canvas again after every stroke;
/// the groups the pen did not touch are the same ink as before and split the same way, so only the group under the
/// pen is weighed again (a six-digit number otherwise sends some thirty candidate digits through the network on
/// every stroke). Groups not in the latest reading are forgotten, so it holds one canvas's groups at most; a split
/// is reused only with the model that weighed it (`DigitClassifying.answeringModel`).
final class SplitMemo: Sendable {
    private struct Key: Hashable {
        let isAlone: Bool, wearsDown: Bool
        let model: ObjectIdentifier?
        let pieces: [InkPatch]
    }
    private let last = Mutex<[Key: [[InkPatch]]]>([:])

    /// `split` of each group, or what it gave the last reading for the same ink, model and way of splitting.
    func splits(of groups: [[InkPatch]], isAlone: Bool, wearsDown: Bool, model: ObjectIdentifier?,
                by split: ([InkPatch]) -> [[InkPatch]]) -> [[InkPatch]] {
        let previous = last.withLock { $0 }
        var current: [Key: [[InkPatch]]] = [:]
        let digits = groups.flatMap { group in
            let key = Key(isAlone: isAlone, wearsDown: wearsDown, model: model, pieces: group)
            let digits = current[key] ?? previous[key] ?? split(group)
            current[key] = digits
            return digits
        }
        last.withLock { $0 = current }
        return digits
    }
}
