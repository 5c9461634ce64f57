// Where a person's own data lives: the XDG data directory, never the repository or the install prefix's files.

import Foundation

/// The per-user data directory, `$XDG_DATA_HOME/digits`, by default `~/.local/share/digits`.
public enum DataDirectory {
    /// The folder inside the data home that belongs to this program.
    public static let folderName = "digits"

    /// `$XDG_DATA_HOME/digits` when that is set to an absolute path (the XDG base directory specification says
    /// to ignore a relative one), else `$HOME/.local/share/digits`, else the account's home from the password
    /// database.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let dataHome = environment["XDG_DATA_HOME"], dataHome.hasPrefix("/") {
            return URL(fileURLWithPath: dataHome).appendingPathComponent(folderName)
        }
        let home = environment["HOME"].flatMap { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : nil }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".local/share").appendingPathComponent(folderName)
    }
}
