// swift-tools-version:6.0
// The fuzzers of digits' file readers: one libFuzzer binary, its harness chosen by DIGITS_FUZZ_HARNESS. Not part
// of the main package; scripts/fuzz.sh builds it with `--sanitize=fuzzer --sanitize=address` and runs it.
import PackageDescription

let package = Package(
    name: "digits-fuzz",
    dependencies: [
        .package(name: "digits", path: ".."),
    ],
    targets: [
        // libFuzzer supplies `main`, so the Swift module must not define one (-parse-as-library).
        .executableTarget(name: "digits-fuzz", dependencies: [.product(name: "DigitCore", package: "digits")],
                          path: "Harnesses", swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ],
    swiftLanguageModes: [.v6]
)
