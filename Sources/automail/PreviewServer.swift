import ArgumentParser
import AutoMail
import AutomailReview
import AutomailRuntime
import BundleFormat
import Diagnostics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `automail preview --serve`: the review site served on 127.0.0.1 only, rebuilt in memory when a
/// workspace file changes (polled twice a second), with a script in each page that reloads it then. While
/// the workspace does not build, every page is its diagnostics instead of a stale email.
///
/// A deliberately small HTTP/1.1 server over sockets, one request a connection, one connection at a
/// time: `GET` and `HEAD` of a file name of the site (letters, digits, `.`, `-`, `_`; no folder), the
/// request head at most 8 KiB read within 2 seconds, anything else answered 400, 404 or 405.
struct PreviewServer {
    let root: String
    let contactsOverride: PreviewContact?

    /// The served site: its files by name, or the diagnostics page while the workspace fails.
    private struct Site {
        var files: [String: [UInt8]] = [:]
        var problems: String?
        var version = 0
    }

    static let maximumHead = 8192

    func run(port: Int) throws {
        // Ctrl-C and `kill` stop the server even when it was started with them blocked (as a test runner may).
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw failure("cannot open a socket") }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port)).bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian  // 127.0.0.1 only
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw failure("cannot listen on 127.0.0.1:\(port)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        var site = Site()
        var fingerprint = Self.fingerprint(root)
        rebuild(&site)
        Console.writeLine(
            "serving `\(root)` on http://127.0.0.1:\(UInt16(bigEndian: actual.sin_port))/ (Ctrl-C to stop)")
        while true {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 500) > 0 {
                let client = accept(listener, nil, nil)
                if client >= 0 {
                    serve(client, site: site)
                    close(client)
                }
            }
            let now = Self.fingerprint(root)
            if now != fingerprint {
                fingerprint = now
                rebuild(&site)
            }
        }
    }

    private func failure(_ message: String) -> ExitCode {
        Console.writeError("error: \(message)\n")
        return ExitCode(ExitStatus.usage)
    }

    /// Builds the site again, or its diagnostics page; bumps the version either way.
    private func rebuild(_ site: inout Site) {
        site.version += 1
        let loaded: LoadedWorkspace
        do {
            loaded = try WorkspaceLoader.load(root: root)
        } catch {
            site.problems = HumanReporter(useColor: false, sources: [:]).render([error.diagnostic])
            return
        }
        let (result, diagnostics) = Console.previewBuild(loaded)
        let reporter = HumanReporter(
            useColor: false, sources: loaded.filesByPath, pathPrefix: HumanReporter.pathPrefix(forWorkspace: root))
        guard !Console.fails(diagnostics, strict: false), let content = result.bundleContent else {
            site.problems = reporter.render(diagnostics) + reporter.summary(diagnostics)
            return
        }
        let contacts = ReviewSite.contacts(
            chosen: contactsOverride, samples: PreviewContact.samples(of: result), bundle: content)
        do {
            let files = try ReviewSite.files(
                rules: try Preview.runtimeBundle(content), contacts: contacts, date: 1_767_225_600)
            site.files = Dictionary(files.map { ($0.name, $0.bytes) }, uniquingKeysWith: { $1 })
            site.problems = nil
        } catch {
            site.problems = "error: \(error)"
        }
    }

    /// What identifies the workspace's state: every file's path, size and modification time (symbolic
    /// links not followed, hidden folders skipped, at most 20,000 entries).
    static func fingerprint(_ root: String) -> [String] {
        var entries: [String] = []
        var folders = [root]
        while let folder = folders.popLast(), entries.count < 20_000 {
            guard let directory = opendir(folder) else { continue }
            defer { closedir(directory) }
            while let entry = readdir(directory), entries.count < 20_000 {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                guard !name.hasPrefix(".") else { continue }
                let path = folder + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    folders.append(path)
                } else {
                    entries.append("\(path) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)")
                }
            }
        }
        return entries.sorted()
    }

    private func serve(_ client: Int32, site: Site) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while head.count < Self.maximumHead, !head.ends(with: [13, 10, 13, 10]) {
            let count = recv(client, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            head += buffer[0..<count]
            if head.firstRange(of: [13, 10, 13, 10]) != nil { break }
        }
        guard let lineEnd = head.firstRange(of: [13, 10]) else {
            return respond(client, 400, "text/plain", Array("bad request\n".utf8))
        }
        let parts = head[..<lineEnd.lowerBound].split(separator: 32)
        guard parts.count == 3, parts[2].starts(with: Array("HTTP/1.".utf8)) else {
            return respond(client, 400, "text/plain", Array("bad request\n".utf8))
        }
        let method = String(decoding: parts[0], as: UTF8.self)
        guard method == "GET" || method == "HEAD" else {
            return respond(client, 405, "text/plain", Array("only GET and HEAD\n".utf8))
        }
        var target = parts[1]
        if let query = target.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            target = target[..<query]
        }
        guard target.first == UInt8(ascii: "/") else {
            return respond(client, 400, "text/plain", Array("bad request\n".utf8))
        }
        var name = String(decoding: target.dropFirst(), as: UTF8.self)
        if name.isEmpty { name = "index.html" }
        let body = method == "GET"
        if name == "__version" {
            return respond(client, 200, "text/plain; charset=utf-8", Array("\(site.version)\n".utf8), body: body)
        }
        guard
            name.utf8.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }), !name.hasPrefix("."), name.utf8.count <= 200
        else { return respond(client, 404, "text/plain", Array("not found\n".utf8), body: body) }
        if let problems = site.problems {
            guard name.hasSuffix(".html") else {
                return respond(client, 503, "text/plain", Array("the workspace does not build\n".utf8), body: body)
            }
            let page = ReviewSite.reloading(Array(ReviewSite.problemsPage(problems).utf8), version: site.version)
            return respond(client, 200, "text/html; charset=utf-8", page, body: body)
        }
        guard let file = site.files[name] else {
            return respond(client, 404, "text/plain", Array("not found\n".utf8), body: body)
        }
        if name.hasSuffix(".html") {
            return respond(
                client, 200, "text/html; charset=utf-8", ReviewSite.reloading(file, version: site.version), body: body)
        }
        let type = name.hasSuffix(".eml") ? "message/rfc822" : "text/plain; charset=utf-8"
        respond(client, 200, type, file, body: body)
    }

    private func respond(_ client: Int32, _ status: Int, _ type: String, _ content: [UInt8], body: Bool = true) {
        let reason =
            [200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"][
                status] ?? "Error"
        let head =
            "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(type)\r\nContent-Length: \(content.count)\r\n"
            + "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
        var bytes = Array(head.utf8)
        if body { bytes += content }
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return }
            sent += count
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
