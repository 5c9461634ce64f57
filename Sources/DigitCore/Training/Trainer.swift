// The training loop: seeded split, shuffled batches, optional augmentation, AdamW with a schedule, a validation
// pass per epoch, and resumable checkpoints.

import Foundation

/// Everything that decides a training run; the same settings and worker count give identical weights.
///
/// The recipe (epochs, batch size, learning rate and schedule, weight decay, label smoothing, augmentation) starts
/// as the architecture's own: `settings.recipe.epochs`.
public struct TrainingSettings: Sendable {
    public var architecture: Architecture
    public var recipe: TrainingRecipe
    /// Fraction of the training images held out for validation.
    public var validationFraction: Float = defaultValidationFraction
    public static let defaultValidationFraction: Float = 0.1
    /// Use only this many training images (before the split); nil for all.
    public var limit: Int?
    public var seed: UInt64
    /// Seeds the validation split alone; nil splits with `seed`. Runs that differ in `seed` but share this hold out
    /// the same images, so their models can be compared, or joined into an ensemble, on one validation split.
    public var splitSeed: UInt64?
    /// The seed the split is drawn with.
    public var effectiveSplitSeed: UInt64 { splitSeed ?? seed }

    /// The architecture's own recipe.
    public init(architecture: Architecture, seed: UInt64) {
        self.architecture = architecture
        recipe = architecture.recipe
        self.seed = seed
    }

    /// Recorded in the model file's metadata.
    public var description: [String: String] {
        ["epochs": "\(recipe.epochs)", "batch_size": "\(recipe.batchSize)", "learning_rate": "\(recipe.learningRate)",
         "schedule": recipe.schedule.rawValue, "weight_decay": "\(recipe.weightDecay)",
         "label_smoothing": "\(recipe.labelSmoothing)",
         "augment": recipe.augment ? "\(recipe.augmentation)" : "off",
         "stroke_redraw": "\(recipe.strokeRedraw)", "styles": "\(recipe.styles)",
         "non_digits": architecture.classes > MNIST.classes ? "\(recipe.nonDigits)" : "off",
         "validation_fraction": "\(validationFraction)", "seed": "\(seed)",
         "split_seed": "\(effectiveSplitSeed)", "limit": limit.map(String.init) ?? "none"]
    }
}

extension TrainingSettings {
    /// The settings that decide which images are held out for validation (keys of `description`).
    public static let splitKeys = ["split_seed", "validation_fraction", "limit"]

    /// What a model's metadata (its `training.` keys) records of the split it was trained beside, by `splitKeys`.
    /// A model from before the split had a seed of its own records none, and split with its training seed.
    public static func recordedSplit(in metadata: [String: String]) -> [String: String] {
        var split: [String: String] = [:]
        for key in splitKeys { split[key] = metadata["training." + key] }
        if split["split_seed"] == nil { split["split_seed"] = metadata["training.seed"] }
        return split
    }
}

/// Where a run stands: enough to resume it exactly.
public struct TrainingPosition: Sendable, Equatable, Codable {
    public var epoch = 0
    /// The next batch to run within `epoch`.
    public var batch = 0
    public var lossSum: Double = 0
    public var correct = 0
    public var seen = 0
    public init() {}
}

/// One finished epoch.
public struct EpochReport: Sendable, Codable {
    public var epoch: Int
    public var trainLoss: Float, trainAccuracy: Float
    public var validationLoss: Float, validationAccuracy: Float
    public var seconds: Double
    public var imagesPerSecond: Double
}

/// Progress within an epoch, for a progress bar.
public struct BatchProgress: Sendable {
    public var epoch: Int, batch: Int, batches: Int
    public var loss: Float, accuracy: Float
    public var imagesPerSecond: Double
}

public enum TrainingOutcome: Sendable { case finished, interrupted }

/// Trains a network on labeled images, reporting progress and asking for checkpoints.
public final class Trainer {
    public let network: Network
    public let settings: TrainingSettings
    public let optimizer: Adam
    public private(set) var position = TrainingPosition()
    public private(set) var history: [EpochReport] = []

    private let data: LabeledImages
    /// Where non-digits come from, for a network with the "not a digit" class.
    private let nonDigits: NonDigits?
    private let trainIndices: [Int]
    /// The held-out training images, by index, in order.
    public let validationIndices: [Int]
    private let loss: SoftmaxCrossEntropy
    private let batchInput = Tensor(shape: [0]), raw = Tensor(shape: [0])
    private let probabilities = Tensor(shape: [0]), dLogits = Tensor(shape: [0])
    private var labels: [UInt8] = []

    /// - Parameter nonDigits: required when the architecture has the "not a digit" class, and used only then.
    public init(network: Network, settings: TrainingSettings, data: LabeledImages, nonDigits: NonDigits? = nil) throws {
        guard data.rows == MNIST.side, data.cols == MNIST.side else {
            throw TrainingError("images are \(data.rows)x\(data.cols), the network reads \(MNIST.side)x\(MNIST.side)")
        }
        let learnsNonDigits = settings.architecture.classes > MNIST.classes
        guard !learnsNonDigits || nonDigits != nil else {
            throw TrainingError("a network with a 'not a digit' class needs non-digits to learn it from")
        }
        self.network = network
        self.settings = settings
        self.data = data
        self.nonDigits = learnsNonDigits ? nonDigits : nil
        loss = SoftmaxCrossEntropy(labelSmoothing: settings.recipe.labelSmoothing)
        optimizer = Adam(parameters: network.parameters, learningRate: settings.recipe.learningRate,
                         weightDecay: settings.recipe.weightDecay)
        (trainIndices, validationIndices) = Self.split(count: min(data.count, settings.limit ?? data.count),
                                                       fraction: settings.validationFraction,
                                                       seed: settings.effectiveSplitSeed)
        guard trainIndices.count >= settings.recipe.batchSize else {
            throw TrainingError("only \(trainIndices.count) training images for batches of \(settings.recipe.batchSize)")
        }
    }

    /// The seeded split of `count` images into training and validation indices, each in order.
    public static func split(count: Int, fraction: Float, seed: UInt64) -> (training: [Int], validation: [Int]) {
        var rng = SplitMix64(seed: seed, stream: SeedStream.validationSplit)
        let all = Array(0..<count).shuffled(using: &rng)
        let held = Int(Float(all.count) * fraction)
        return (Array(all.dropLast(held)).sorted(), Array(all.suffix(held)).sorted())
    }

    public var trainingCount: Int { trainIndices.count }
    public var validationCount: Int { validationIndices.count }
    var batchesPerEpoch: Int { trainIndices.count / settings.recipe.batchSize }
    var totalSteps: Int { batchesPerEpoch * settings.recipe.epochs }

    /// Continues from a checkpoint's position (its weights and moments are already restored).
    public func resume(from position: TrainingPosition, history: [EpochReport]) {
        self.position = position
        self.history = history
        optimizer.restore(step: position.epoch * batchesPerEpoch + position.batch)
    }

    /// Runs until all epochs are done or `shouldStop` says so (checked between batches).
    /// `checkpoint` is called after every epoch and on interruption.
    public func run(progress: (BatchProgress) -> Void, epochEnded: (EpochReport) -> Void,
                    shouldStop: () -> Bool, checkpoint: () throws -> Void) throws -> TrainingOutcome {
        let batchSize = settings.recipe.batchSize
        while position.epoch < settings.recipe.epochs {
            var order = trainIndices
            var shuffler = SplitMix64(seed: settings.seed, stream: SeedStream.shuffle(epoch: position.epoch))
            order.shuffle(using: &shuffler)
            let start = Date(), firstBatch = position.batch
            while position.batch < batchesPerEpoch {
                if shouldStop() {
                    try checkpoint()
                    return .interrupted
                }
                let step = position.epoch * batchesPerEpoch + position.batch
                optimizer.learningRate = settings.recipe.schedule.rate(step: step, total: totalSteps,
                                                                base: settings.recipe.learningRate)
                let slice = order[position.batch * batchSize..<(position.batch + 1) * batchSize]
                trainStep(slice, step: step)
                position.batch += 1
                let elapsed = Date().timeIntervalSince(start)
                progress(BatchProgress(epoch: position.epoch, batch: position.batch, batches: batchesPerEpoch,
                                       loss: Float(position.lossSum / Double(position.seen)),
                                       accuracy: Float(position.correct) / Float(position.seen),
                                       imagesPerSecond: Double((position.batch - firstBatch) * batchSize) / elapsed))
            }
            let seconds = Date().timeIntervalSince(start)
            let validation = evaluate(validationIndices)
            let report = EpochReport(
                epoch: position.epoch + 1, trainLoss: Float(position.lossSum / Double(position.seen)),
                trainAccuracy: Float(position.correct) / Float(position.seen),
                validationLoss: validation.loss, validationAccuracy: validation.accuracy, seconds: seconds,
                imagesPerSecond: Double((batchesPerEpoch - firstBatch) * batchSize) / seconds)
            history.append(report)
            position = TrainingPosition()
            position.epoch = report.epoch
            epochEnded(report)
            try checkpoint()
        }
        return .finished
    }

    /// One forward/backward/update on the images at `indices`.
    private func trainStep(_ indices: ArraySlice<Int>, step: Int) {
        let n = indices.count
        let target = settings.recipe.augment ? raw : batchInput
        fill(target, labels: &labels, from: indices)
        compose(target, step: step)
        if settings.recipe.augment {
            batchInput.reshape(raw.shape)
            var rng = SplitMix64(seed: settings.seed, stream: SeedStream.augmentation(step: step))
            settings.recipe.augmentation.apply(UnsafeBufferPointer(raw.buffer), to: batchInput.buffer, count: n, rng: &rng)
        }
        network.reseed(SplitMix64(seed: settings.seed, stream: SeedStream.dropout(step: step)))
        let batchLoss = network.learningStep(batchInput, labels: labels, loss: loss, optimizer: optimizer,
                                             probabilities: probabilities, dLogits: dLogits)
        position.lossSum += Double(batchLoss) * Double(n)
        position.correct += countCorrect(probabilities, labels: labels)
        position.seen += n
    }

    /// Copies the images at `indices` into `tensor` as `[N, 1, 28, 28]` floats in [0, 1].
    private func fill(_ tensor: Tensor, labels: inout [UInt8], from indices: ArraySlice<Int>) {
        tensor.reshape([indices.count, 1, MNIST.side, MNIST.side])
        labels.removeAll(keepingCapacity: true)
        data.pixels.withUnsafeBufferPointer { pixels in
            for (row, index) in indices.enumerated() {
                let src = pixels.baseAddress! + index * MNIST.pixels, dst = tensor.data + row * MNIST.pixels
                for i in 0..<MNIST.pixels { dst[i] = MNIST.intensity(src[i]) }
                labels.append(data.labels[index])
            }
        }
    }

    /// What one place of a batch holds.
    private enum Place { case digit, redrawn, styled(DigitStyle), nonDigit }

    /// Replaces some of the batch's images, drawn from the step's own stream: non-digits (labelled "not a digit"),
    /// digits in the styles MNIST lacks, and digits redrawn as pen strokes. The places are chosen in order, then
    /// drawn in parallel, each from its own generator, so the worker count does not change them.
    private func compose(_ tensor: Tensor, step: Int) {
        let recipe = settings.recipe
        let nonDigitShare = nonDigits == nil ? 0 : recipe.nonDigits
        guard nonDigitShare + recipe.styles + recipe.strokeRedraw > 0 else { return }
        var rng = SplitMix64(seed: settings.seed, stream: SeedStream.composition(step: step))
        let places: [Place] = labels.indices.map { _ in
            let coin = rng.nextUnit(), pick = Int(rng.next() % UInt64(DigitStyle.allCases.count))
            if coin < nonDigitShare { return .nonDigit }
            if coin < nonDigitShare + recipe.styles { return .styled(DigitStyle.allCases[pick]) }
            if coin < nonDigitShare + recipe.styles + recipe.strokeRedraw { return .redrawn }
            return .digit
        }
        for (row, place) in places.enumerated() {
            switch place {
            case .nonDigit: labels[row] = UInt8(Architecture.notADigitClass)
            case let .styled(style): labels[row] = style.digit
            case .digit, .redrawn: break
            }
        }
        let nonDigits = self.nonDigits, pixels = MNIST.pixels, data = tensor.data
        Parallel.forSlices(places.count) { rows, _ in
            for row in rows {
                var generator = rng.derived(UInt64(row))
                let penWidth = generator.uniform(StrokeRedraw.widthRange.lowerBound, StrokeRedraw.widthRange.upperBound)
                let image: [Float]?
                switch places[row] {
                case .digit: continue
                case .nonDigit: image = nonDigits?.image(&generator).image
                case let .styled(style): image = style.image(penWidth: penWidth, &generator)
                case .redrawn:
                    let original = Array(UnsafeBufferPointer(start: data + row * pixels, count: pixels))
                    image = StrokeRedraw.redraw(original, width: MNIST.side, height: MNIST.side, penWidth: penWidth)
                }
                if let image { (data + row * pixels).update(from: image, count: pixels) }
            }
        }
    }

    /// Mean loss and accuracy over `indices`, in inference mode.
    func evaluate(_ indices: [Int]) -> (loss: Float, accuracy: Float) {
        guard !indices.isEmpty else { return (.nan, .nan) }
        let evaluation = Evaluation.run(network, on: data, indices: indices, batchSize: settings.recipe.batchSize)
        return (Float(evaluation.meanLogLoss), Float(evaluation.accuracy))
    }

    private func countCorrect(_ probabilities: Tensor, labels: [UInt8]) -> Int {
        let k = probabilities.perSample
        return (0..<probabilities.batch).filter { r in
            argmax(UnsafeBufferPointer(start: probabilities.data + r * k, count: k)) == Int(labels[r])
        }.count
    }
}

/// A training run that cannot start or continue.
public struct TrainingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
