// Fitting the weights that split touching digits (`TouchingDigits.Weights`) to numbers whose digits are known:
// each group of ink is weighed once by the classifier, and a search then scores weights by how many groups
// their best reading gets right: the whole reading, not single digits.

/// The weights of touching-digit splitting fitted to composed numbers.
public enum SegmentationFit {
    /// One group of ink and the digits it holds: its candidate readings, of which those that read `labels`
    /// in order are right.
    struct Example: Sendable {
        let lattice: TouchingDigits.Lattice
        let labels: [Int]

        /// Whether the path reads the group's digits.
        func isRight(_ path: [Int]) -> Bool { path.map { lattice.spans[$0].label } == labels }
    }

    /// What the examples of a set of numbers hold, for the fit's report.
    public struct Survey: Sendable, Equatable {
        /// Groups with a path that reads them right: what the fit learns from.
        public var examples = 0
        /// Groups of several digits with no path that reads them right (a cut the seams never offered, or a
        /// digit the classifier misreads however it is cut).
        public var unreachable = 0
        /// Groups of several digits too narrow to be tried as more than one.
        public var untried = 0
        /// Groups the given weights read right.
        public var chosen = 0
    }

    /// Every group of the numbers' ink that may split, with its digits; groups that no path reads right, or of
    /// several digits and too narrow to be cut, are only counted.
    static func examples(_ numbers: [ComposedNumber], classifier: any DigitClassifying,
                         weights: TouchingDigits.Weights = .fitted) -> ([Example], Survey) {
        let found = numbers.map { examples($0, classifier: classifier) }
        var survey = Survey(), all: [Example] = []
        for (examples, unreachable, untried) in found {
            survey.unreachable += unreachable
            survey.untried += untried
            all += examples
        }
        survey.examples = all.count
        survey.chosen = all.filter { $0.isRight($0.lattice.bestPath(weights)) }.count
        return (all, survey)
    }

    /// One number's examples, and how many of its groups of several digits no path read right or were not tried.
    static func examples(_ number: ComposedNumber, classifier: any DigitClassifying)
        -> ([Example], unreachable: Int, untried: Int) {
        let (width, height) = (number.image.width, number.image.height)
        let coverage = PhotoInk.coverage(of: number.image)
        let groups = DigitSegmenter.digitGroups(of: InkPieces.components(of: coverage, width: width, height: height))
        var examples: [Example] = [], unreachable = 0, untried = 0
        for group in groups {
            let whole = InkPatch.union(group)
            let labels = number.digits.filter { digit in
                let centre = (digit.columns.lowerBound + digit.columns.upperBound) / 2
                return centre >= Float(whole.x0) && centre < Float(whole.x1)
            }.map(\.label)
            guard !labels.isEmpty else { continue }
            let splitter = TouchingDigits(classifier: classifier, isAlone: groups.count == 1)
            guard let lattice = splitter.lattice(group) else {
                if labels.count > 1 { untried += 1 }
                continue
            }
            // Whether some path reads the digits does not depend on the weights.
            if lattice.bestPath(.fitted, reading: labels) != nil {
                examples.append(Example(lattice: lattice.weighed, labels: labels))
            } else if labels.count > 1 {
                unreachable += 1
            }
        }
        return (examples, unreachable, untried)
    }

    /// How many examples `weights` read right.
    static func rightCount(_ examples: [Example], _ weights: TouchingDigits.Weights) -> Int {
        examples.reduce(0) { $0 + ($1.isRight($1.lattice.bestPath(weights)) ? 1 : 0) }
    }

    /// Coordinate search from `start`: each round tries every weight scaled by each of `factors` (a weight of 0
    /// tries `fromZero`, magnitudes 0.1 to 3 of either sign) and keeps each change that reads more examples right;
    /// it stops after `rounds`, or after a round that changed nothing. The count of groups read right is what
    /// matters and is not smooth in the weights, so this searches it directly rather than following the gradient
    /// of a stand-in. `confidence` stays 1, as only the ratios matter, and `alone` stays as it is
    /// (`TouchingDigits.Feature.alone`); so does `nonDigit` unless some examples are marks that are not digits.
    static func search(_ examples: [Example], from start: TouchingDigits.Weights, rounds: Int)
        -> (weights: TouchingDigits.Weights, right: Int) {
        let factors: [Float] = [0, 0.5, 0.7, 0.85, 1.2, 1.4, 2, -1]
        let fromZero: [Float] = [0.1, 0.3, 1, 3, -0.1, -0.3, -1, -3]
        var weights = start, right = rightCount(examples, start)
        // Without marks among the examples, a cost on reading a group as "not a digit" only ever helps.
        let hasMarks = examples.contains { $0.labels.contains(MNIST.classes) }
        let searched = TouchingDigits.Feature.allCases.filter {
            $0 != .confidence && $0 != .alone && ($0 != .nonDigit || hasMarks)
        }
        for _ in 0..<rounds {
            var changed = false
            for feature in searched {
                let values = weights[feature] == 0 ? fromZero : factors.map { weights[feature] * $0 }
                for value in values {
                    var trial = weights
                    trial[feature] = value
                    let count = rightCount(examples, trial)
                    if count > right { (weights, right, changed) = (trial, count, true) }
                }
            }
            if !changed { break }
        }
        return (weights, right)
    }

    /// The fraction of the numbers that `weights` read exactly, unsure digits ("?") counting as wrong.
    public static func exactReads(_ numbers: [ComposedNumber], classifier: any DigitClassifying,
                                  weights: TouchingDigits.Weights) -> Float {
        let reader = NumberReader(classifier: classifier, segmentation: weights)
        let right = numbers.map { reader.read($0.image).text == $0.text ? 1 : 0 }
        return Float(right.reduce(0, +)) / Float(max(1, numbers.count))
    }

    /// Fits the weights to `numbers`: the weights and what the examples held.
    public static func fit(_ numbers: [ComposedNumber], classifier: any DigitClassifying, rounds: Int,
                           from start: TouchingDigits.Weights = .fitted)
        -> (weights: TouchingDigits.Weights, right: Int, survey: Survey) {
        let (examples, survey) = self.examples(numbers, classifier: classifier, weights: start)
        let (weights, right) = search(examples, from: start, rounds: rounds)
        return (weights, right, survey)
    }
}
