import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A folder only its user may read (0700) holding files only its user may read (0600): where
/// booktui keeps tokens and drafts. Anything looser, or owned by someone else, is refused with
/// `TokenStoreError`, never silently fixed, so a leak is noticed.
public struct PrivateFolder: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public func path(of name: String) -> String { path + "/" + name }

    /// Checks the folder and those of `files` that exist; throws if any is open to others.
    public func checkPermissions(files: [String] = []) throws {
        try check(path)
        for name in files { try check(path(of: name)) }
    }

    /// The file's bytes, or nil when there is none.
    public func read(_ name: String) throws -> Data? {
        let file = path(of: name)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        try check(path)
        try check(file)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw TokenStoreError.io(path: file, message: "cannot read")
        }
        return data
    }

    /// Writes a new file with mode 0600 beside the old one and renames it over, so a crash never
    /// leaves half a file and the file is never, even briefly, readable by others.
    public func save(_ data: Data, as name: String) throws {
        try ensureExists()
        let file = path(of: name)
        try check(file)
        let tmp = file + ".tmp.\(getpid())"
        unlink(tmp)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw TokenStoreError.io(path: tmp, message: String(cString: strerror(errno))) }
        let ok = data.withUnsafeBytes { buf -> Bool in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { return false }
                off += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(tmp, file) == 0 else {
            unlink(tmp)
            throw TokenStoreError.io(path: file, message: String(cString: strerror(errno)))
        }
    }

    public func remove(_ name: String) {
        unlink(path(of: name))
    }

    /// Opens (creating it 0600) a file for reading and writing, such as a lock; returns its descriptor.
    public func openFile(_ name: String) throws -> Int32 {
        try ensureExists()
        let fd = open(path(of: name), O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw TokenStoreError.io(path: path(of: name), message: String(cString: strerror(errno))) }
        return fd
    }

    /// Nothing to refuse when `file` does not exist.
    private func check(_ file: String) throws {
        var st = stat()
        guard stat(file, &st) == 0 else {
            if errno == ENOENT { return }
            throw TokenStoreError.io(path: file, message: String(cString: strerror(errno)))
        }
        if st.st_uid != getuid() { throw TokenStoreError.wrongOwner(path: file) }
        let mode = Int(st.st_mode & 0o777)
        if mode & 0o077 != 0 { throw TokenStoreError.insecure(path: file, mode: mode) }
    }

    private func ensureExists() throws {
        if !FileManager.default.fileExists(atPath: path) {
            // Parents (like ~/.config) get 0700 too when we are the ones creating them.
            var partial = ""
            for part in path.split(separator: "/") {
                partial += "/" + part
                if mkdir(partial, 0o700) != 0 && errno != EEXIST {
                    throw TokenStoreError.io(path: partial, message: String(cString: strerror(errno)))
                }
            }
        }
        try check(path)
    }
}
