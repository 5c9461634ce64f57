// `digits ensemble`: join models trained apart on one validation split into one model that averages their logits.

import ArgumentParser
import DigitCore
import Foundation

extension Digits {
    struct Ensemble: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Join trained models into an ensemble that averages their logits, and calibrate it.",
            discussion: """
            The members must be of one architecture and classes and hold out the same validation split (train \
            them with different --seed and one --split-seed). The ensemble's temperature is fitted on that split, \
            its accuracy there is recorded, and it is scored on the test set when the test files are in --data. \
            Its metadata keeps each member's command, settings and training time. Saved atomically.

            Example:
              digits ensemble --data Data/mnist --output Resources/digits.safetensors a.safetensors b.safetensors
            """)

        @Argument(help: "The members' model files.")
        var members: [String]

        @Option(help: "Directory with the MNIST files.")
        var data = "Data/mnist"

        @Option(help: "Where to save the ensemble.")
        var output: String

        func validate() throws {
            guard members.count >= 2 else { throw ValidationError("an ensemble needs at least two member models") }
            guard Set(members).count == members.count else { throw ValidationError("a member is given twice") }
        }

        func run() throws {
            let output = URL(fileURLWithPath: output)
            try AtomicFile.checkWritable(output)
            let loaded = try members.map { path in
                let (network, metadata) = try ModelFile.load(from: URL(fileURLWithPath: path))
                return (path: path, network: network, metadata: metadata)
            }
            // Whether the members fit together is known before the training images are read.
            let ensemble: Network
            do {
                ensemble = try Network.joining(loaded.map(\.network))
            } catch {
                throw Failure("cannot join these models: \(error)")
            }
            let training = try LabeledImages.load(.train, from: URL(fileURLWithPath: data))
            let splits = try loaded.map { try RecordedSplit.validationIndices(of: $0.metadata, trainingCount: training.count) }
            if let other = splits.indices.first(where: { splits[$0] != splits[0] }) {
                throw Failure("\(loaded[other].path) held out other validation images than \(loaded[0].path): train members with one --split-seed")
            }
            let validation = splits[0]
            guard !validation.isEmpty else { throw Failure("\(data): the validation split holds no images") }
            let temperature = TemperatureFit.fit(ensemble, on: training, indices: validation)
            let validationAccuracy = Evaluation.run(ensemble, on: training, indices: validation).accuracy
            let test = try? LabeledImages.load(.test, from: URL(fileURLWithPath: data))
            let testAccuracy = test.map { Evaluation.run(ensemble, on: $0).accuracy }

            var metadata = metadata(of: loaded.map(\.metadata))
            metadata[ModelFile.Key.command] = CommandLine.arguments.dropFirst().joined(separator: " ")
            metadata[ModelFile.Key.validationAccuracy] = String(format: "%.4f", validationAccuracy)
            if let testAccuracy { metadata[ModelFile.Key.testAccuracy] = String(format: "%.4f", testAccuracy) }
            try ModelFile.save(ensemble, metadata: metadata, to: output)

            for (index, member) in loaded.enumerated() {
                let accuracy = Evaluation.run(member.network, on: training, indices: validation).accuracy
                print(String(format: "member %d: validation %.2f%%  %@", index + 1, accuracy * 100, member.path))
            }
            print(String(format: "ensemble of %d: validation %.2f%%%@, temperature %.3f; saved %@", loaded.count,
                         validationAccuracy * 100, testAccuracy.map { String(format: ", test %.2f%%", $0 * 100) } ?? "",
                         temperature, output.path))
        }

        /// The split's settings (shared by every member), each member's own record under `member1.` ..., and the
        /// training time of them all.
        private func metadata(of members: [[String: String]]) -> [String: String] {
            var result: [String: String] = [:]
            for (key, value) in TrainingSettings.recordedSplit(in: members[0]) { result["training." + key] = value }
            var seconds = 0.0
            for (index, member) in members.enumerated() {
                for (key, value) in member where key.hasPrefix("training.") || key == ModelFile.Key.command
                    || key == ModelFile.Key.trainingSeconds || key == ModelFile.Key.validationAccuracy {
                    result["member\(index + 1).\(key)"] = value
                }
                seconds += (member[ModelFile.Key.trainingSeconds].flatMap(Double.init) ?? 0)
                    + (member["training.start_seconds"].flatMap(Double.init) ?? 0)
            }
            result[ModelFile.Key.trainingSeconds] = String(format: "%.0f", seconds)
            return result
        }
    }
}
