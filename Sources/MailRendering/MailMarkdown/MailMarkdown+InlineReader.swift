import Liquid

// The inline reader: emphasis markers, code spans, links and images inside a block's text.

extension MailMarkdown {
    // MARK: - Inline

    /// Reads formatted text from `i` up to `terminator` (not consumed), a paragraph break or the end.
    /// `linkFailed` is set when a link nested in link text (`terminator` `]`) failed: the enclosing
    /// link then fails too (Ink reached the same failure from the same place). `inLink`: the text is a
    /// link's, its parts kept in ``linkParts`` (else in ``blockParts``).
    ///
    /// A block's text is written at the end of ``blockParts``, taken into a local array while it is read:
    /// no other block's text is read meanwhile (a link's text goes to ``linkParts``). A link's text is
    /// gathered at the end of ``scratch`` (a link's text read within it is gathered after it, and moved out
    /// before it goes on), then moved to ``linkParts`` at once.
    mutating func readText(
        at i: inout Int, terminator: UInt8?, depth: Int, inLink: Bool = false
    ) -> (text: Text, linkFailed: Bool) {
        // The parts are appended to a local array (no access to `self` checked at each append): the array
        // taken out of `self`, put back below.
        var scratch: [Part] = []
        if inLink { swap(&scratch, &self.scratch) } else { swap(&scratch, &blockParts) }
        let base = scratch.count
        var pending = i
        var spaces = 0
        var activeStyles: UInt8 = 0
        var active: [Int] = []

        func flush(_ scratch: inout [Part], _ pending: inout Int, _ i: Int) {
            if pending < i { scratch.append(.source(pending..<i)) }
            pending = i
        }

        let plain = Self.isPlain
        while i < end {
            let c = bytes[i]
            if plain[Int(c)] {
                // Letters, digits and most punctuation: nothing to decide, for the whole run of them, and of
                // the single spaces between them: a space before a plain byte only moves past (the step
                // below), and each plain byte resets `spaces` (read on the buffer: `j` and `j + 1` are read
                // below `end`, at most `bytes.count`).
                spaces = 0
                let start = i + 1
                let end = self.end
                i = bytes.withUnsafeBufferPointer { buffer in
                    plain.withUnsafeBufferPointer { plain in
                        var j = start
                        while j < end {
                            if plain[Int(buffer[j])] {
                                j += 1
                            } else if buffer[j] == 0x20, j + 1 < end, plain[Int(buffer[j + 1])] {
                                j += 2
                            } else {
                                break
                            }
                        }
                        return j
                    }
                }
                continue
            }
            if c == 0x20, i + 1 < end, plain[Int(bytes[i + 1])] {
                // One space before a plain byte: whitespace, not followed by whitespace, neither a marker
                // nor a terminator, so the steps below only move past it; the plain byte then resets `spaces`.
                spaces = 0
                i += 2
                continue
            }
            if let terminator, c == terminator, !previousIsBackslash(i) { break }
            if c < 0x80 ? (c >= 0x0A && c <= 0x0D) : isNewline(i) {
                flush(&scratch, &pending, i)
                let next = after(i)
                guard next < end else { break }
                if previousIsBackslash(i) || spaces >= 2 {
                    scratch.append(.linebreak)
                    i = next
                    pending = i
                    continue
                }
                switch bytes[next] {
                case 0x0A, 0x23, 0x3C, 0x60, 0x2D: break
                case 0x0D where after(next) == next + 2: break
                default:
                    if !isWhitespace(next) { scratch.append(.softbreak) }
                    i = next
                    pending = i
                    continue
                }
                break
            }
            spaces = c == 0x20 ? spaces + 1 : 0
            if c < 0x80 ? (c == 0x20 || c == 0x09) : isSameLineWhitespace(i) {
                let next = after(i)
                guard next < end else { break }
                if isWhitespace(next) {
                    flush(&scratch, &pending, i)
                    i = next
                    pending = i
                    continue
                }
            }
            switch c {
            case 0x2A, 0x5F, 0x7E:
                flush(&scratch, &pending, i)
                if readMarker(at: &i, activeStyles: &activeStyles, active: &active) {
                    scratch.append(.marker(markers.count - 1))
                    pending = i
                    continue
                }
            case 0x60:
                guard !previousIsBackslash(i) else { break }
                if let (content, close) = inlineCode(from: i) {
                    flush(&scratch, &pending, i)
                    scratch.append(.code(raw: i..<(close + 1), content: content))
                    i = close + 1
                    pending = i
                    continue
                }
            case 0x5B:
                guard !previousIsBackslash(i) else { break }
                var j = i
                if let link = readLink(at: &j, depth: depth + 1, isImage: false, imageStart: i) {
                    flush(&scratch, &pending, i)
                    scratch.append(.link(link))
                    i = j
                    pending = i
                    continue
                }
                if terminator == 0x5D {
                    // Its parts dropped, the array put back.
                    scratch.removeSubrange(base...)
                    if inLink { swap(&scratch, &self.scratch) } else { swap(&scratch, &blockParts) }
                    return (Text(), true)
                }
            case 0x21:
                guard !previousIsBackslash(i) else { break }
                var j = i + 1
                if isChar(j, 0x5B), let link = readLink(at: &j, depth: depth + 1, isImage: true, imageStart: i) {
                    flush(&scratch, &pending, i)
                    scratch.append(.link(link))
                    i = j
                    pending = i
                    continue
                }
            default:
                break
            }
            // Ink's `parseNonTriggeringCharacter`.
            switch c {
            case 0x5C:
                flush(&scratch, &pending, i)
                i = after(i)
                pending = i
            case 0x26:
                if let entityEnd = entityEnd(from: i) {
                    i = entityEnd
                    flush(&scratch, &pending, i)
                } else {
                    flush(&scratch, &pending, i)
                    scratch.append(.literal("&amp;"))
                    i += 1
                    pending = i
                }
            case 0x3E:
                flush(&scratch, &pending, i)
                scratch.append(.literal("&gt;"))
                i += 1
                pending = i
            case 0x3C:
                flush(&scratch, &pending, i)
                scratch.append(.literal("&lt;"))
                i += 1
                pending = i
            default:
                i = after(i)
            }
        }
        // The last text without its trailing whitespace.
        var last = i
        while last > pending, let p = before(last), p >= pending, isWhitespace(p) { last = p }
        if pending < last { scratch.append(.source(pending..<last)) }
        resolveUnterminated(activeStyles: activeStyles, active: active)
        guard inLink else {
            swap(&scratch, &blockParts)
            return (Text(range: base..<blockParts.count), false)
        }
        let start = linkParts.count
        linkParts.append(contentsOf: scratch[base...])
        scratch.removeSubrange(base...)
        swap(&scratch, &self.scratch)
        return (Text(range: start..<linkParts.count, inLink: true), false)
    }

    /// `` `code` `` from the backtick at `i`: the content and the closing backtick.
    func inlineCode(from i: Int) -> (Range<Int>, Int)? {
        var j = i + 1
        while j < end {
            if isNewline(j) { return nil }
            if bytes[j] == 0x60 { return ((i + 1)..<j, j) }
            j = after(j)
        }
        return nil
    }

    /// An emphasis marker at `i` (Ink's `TextStyleMarker` and `parseStyleMarker`); `false` when none.
    mutating func readMarker(at i: inout Int, activeStyles: inout UInt8, active: inout [Int]) -> Bool {
        guard !previousIsBackslash(i) else { return false }
        let start = i
        var marker: Marker
        let c = bytes[i]
        if c == 0x2A || c == 0x5F {
            if i + 1 < end, bytes[i + 1] == 0x2A || bytes[i + 1] == 0x5F {
                marker = Marker(style: .bold, raw: MarkerBytes(c, bytes[i + 1]), lower: start, upper: start + 2)
                i += 2
            } else {
                marker = Marker(style: .italic, raw: MarkerBytes(c), lower: start, upper: start + 1)
                i += 1
            }
        } else {
            guard isChar(i + 1, 0x7E) else { return false }
            marker = Marker(style: .strikethrough, raw: MarkerBytes(0x7E, 0x7E), lower: start, upper: start + 2)
            i += 2
        }
        let index = markers.count
        // Room for a few markers at the first (emphasis comes in pairs), not grown marker by marker.
        if markers.isEmpty { markers.reserveCapacity(8) }
        if activeStyles & marker.style.rawValue != 0 {
            // Closing: `**` closing inside an open italic before `*`/`_` is an italic close.
            if marker.style == .bold, activeStyles & Style.italic.rawValue != 0, i < end,
                bytes[i] == 0x2A || bytes[i] == 0x5F
            {
                marker.style = .italic
                marker.raw.removeLast()
                i -= 1
            }
            marker.closing = true
            markers.append(marker)
            var removed: UInt8 = 0
            var count = 0
            for other in active.reversed() {
                removed |= markers[other].style.rawValue
                count += 1
                if markers[other].style == marker.style { break }
                markers[other].valid = false
            }
            active.removeLast(min(count, active.count))
            activeStyles &= ~removed
        } else {
            markers.append(marker)
            activeStyles |= marker.style.rawValue
            active.append(index)
        }
        return true
    }

    /// Ink's `handleUnterminatedStyleMarkers`.
    mutating func resolveUnterminated(activeStyles: UInt8, active: [Int]) {
        var boldMarker: Int?
        var italicMarker: Int?
        let both = Style.bold.rawValue | Style.italic.rawValue
        if activeStyles & both == both {
            iteration: for index in active {
                switch markers[index].style {
                case .bold:
                    markers[index].style = .italic
                    if let other = italicMarker {
                        guard markers[index].lower != markers[other].upper else {
                            italicMarker = nil
                            break iteration
                        }
                        markers[index].suffix = markers[index].raw.popLast()
                        markers[index].closing = true
                    } else if !markers[index].raw.isEmpty {
                        markers[index].prefix = markers[index].raw.popFirst()
                    }
                    boldMarker = index
                case .italic:
                    if let other = boldMarker {
                        guard markers[index].lower != markers[other].upper else {
                            if let prefix = markers[other].prefix {
                                markers[other].raw.prepend(prefix)
                            } else if let suffix = markers[other].suffix {
                                markers[other].raw.append(suffix)
                            }
                            boldMarker = nil
                            break iteration
                        }
                        markers[index].closing = true
                    }
                    italicMarker = index
                case .strikethrough:
                    break
                }
            }
        }
        for index in active where index != boldMarker && index != italicMarker {
            markers[index].valid = false
        }
    }

    /// A link whose `[` is at `i` (Ink's `Link.read`), remembered by position; `i` moves past it.
    /// An image's node is a copy with its own raw range (from `imageStart`, the `!`).
    mutating func readLink(at i: inout Int, depth: Int, isImage: Bool, imageStart: Int) -> Int? {
        let open = i
        guard isChar(open, 0x5B) else { return nil }
        guard open < lastClosingBracket else { return nil }
        // The memo covers the positions from the first `[` looked up to the last `]` (a `[` at or past it
        // starts no link), not the whole text: most bodies have a link or two, which were a table of the
        // body's size, zeroed. The reader moves forward, so no `[` before the first is looked up; one would
        // extend the table down (not reached).
        if linkMemo.isEmpty {
            linkMemoBase = open
            linkMemo = [Int32](repeating: 0, count: lastClosingBracket - open)
        } else if open < linkMemoBase {
            linkMemo = [Int32](repeating: 0, count: linkMemoBase - open) + linkMemo
            linkMemoBase = open
        }
        // `open - linkMemoBase` is within the memo: `linkMemoBase <= open < lastClosingBracket`.
        var known = Int(linkMemo[open - linkMemoBase])
        if known == 0 {
            known = depth > Self.maxLinkDepth ? -1 : (parseLink(open: open, depth: depth).map { $0 + 1 } ?? -1)
            linkMemo[open - linkMemoBase] = Int32(known)
        }
        guard known > 0 else { return nil }
        let index = known - 1
        i = links[index].raw.upperBound
        guard isImage else { return index }
        var node = links[index]
        node.isImage = true
        node.raw = imageStart..<node.raw.upperBound
        links.append(node)
        return links.count - 1
    }

    /// The index of the link whose `[` is at `open`, or `nil`.
    mutating func parseLink(open: Int, depth: Int) -> Int? {
        var i = open + 1
        let (text, failed) = readText(at: &i, terminator: 0x5D, depth: depth, inLink: true)
        guard !failed, isChar(i, 0x5D) else { return nil }
        i += 1
        guard i < end else { return nil }
        if bytes[i] == 0x28 {
            guard let close = matchingParenthesis(of: i) else { return nil }
            links.append(
                LinkNode(
                    isImage: false, text: text, target: (i + 1)..<close, isReference: false,
                    raw: open..<(close + 1)))
            return links.count - 1
        }
        guard bytes[i] == 0x5B, let close = closingBracket(from: i + 1) else { return nil }
        links.append(
            LinkNode(
                isImage: false, text: text, target: (i + 1)..<close, isReference: true,
                raw: open..<(close + 1)))
        return links.count - 1
    }
}
