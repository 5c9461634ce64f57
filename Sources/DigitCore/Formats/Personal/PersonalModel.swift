// The model learned from a person's samples: where it lives, what its metadata says, and how to find it.

import Foundation

public enum PersonalModel {
    public static let fileName = "personal.safetensors"

    /// Metadata keys a personal model adds to the model file's own.
    public enum Key {
        /// `"true"` in a personal model.
        public static let personal = "personal"
        /// The file name of the model it was learned from, and that model's MNIST test accuracy.
        public static let base = "personal.base", baseTestAccuracy = "personal.base_test_accuracy"
        /// How many of the person's samples it learned from.
        public static let samples = "personal.samples"
        /// When it was learned (ISO 8601) and the fine-tuning settings, under `personal.tuning.`.
        public static let learnedAt = "personal.learned_at", tuning = "personal.tuning"
    }

    /// Where the personal model of the dataset in `directory` is kept.
    public static func url(in directory: URL) -> URL { directory.appendingPathComponent(fileName) }

    /// The personal model in `directory`, or nil when none has been learned yet. Throws a one-line reason when
    /// the file is there but does not load.
    public static func locate(in directory: URL) throws -> (network: Network, metadata: [String: String], url: URL)? {
        let url = url(in: directory)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let (network, metadata) = try ModelFile.load(from: url)
        return (network, metadata, url)
    }

    /// Whether a model file's metadata says it is a personal model.
    public static func isPersonal(_ metadata: [String: String]) -> Bool { metadata[Key.personal] == "true" }
}
