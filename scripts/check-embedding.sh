#!/usr/bin/env bash
# Shows that another package can depend on DigitCore by version: a bare clone of this repository's committed
# state is tagged 1.0.0, a small package depends on it through a file:// URL, builds, and reads a drawn 1 with the
# shipped model.
#   scripts/check-embedding.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT

git clone -q --bare "$root" "$scratch/digits.git"
git -C "$scratch/digits.git" tag 1.0.0 HEAD

mkdir -p "$scratch/consumer/Sources/consumer"
cat > "$scratch/consumer/Package.swift" <<SWIFT
// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "consumer",
    dependencies: [.package(url: "file://$scratch/digits.git", from: "1.0.0")],
    targets: [.executableTarget(name: "consumer", dependencies: [.product(name: "DigitCore", package: "digits")])]
)
SWIFT
cat > "$scratch/consumer/Sources/consumer/main.swift" <<'SWIFT'
import DigitCore
import Foundation

// Draw a vertical stroke, prepare it as the pad does, and read it with the model named on the command line.
var canvas = InkCanvas(width: 200, height: 200)
canvas.render([Stroke(points: [InkPoint(x: 100, y: 30), InkPoint(x: 100, y: 170)], radius: 8)])
guard let image = DigitPreprocessor.mnistImage(from: canvas.pixels, width: canvas.width, height: canvas.height) else {
    fatalError("no ink")
}
let (network, _) = try ModelFile.load(from: URL(fileURLWithPath: CommandLine.arguments[1]))
let reading = Recognizer(network).reading(for: image)
print("read \(reading.digit) (\(Int(reading.confidence * 100))%)")
exit(reading.digit == 1 ? 0 : 1)
SWIFT

cd "$scratch/consumer"
swift build -q
swift run -q consumer "$root/Resources/digits.safetensors"
echo "check-embedding: a package depending on DigitCore 1.0.0 builds and reads a drawn 1"
