/// A mailbox: an optional display name and an address.
public struct Mailbox: Sendable, Hashable {
    /// The display name; empty when none.
    public var name: String
    /// The addr-spec.
    public var address: String

    /// Creates a mailbox.
    public init(name: String, address: String) {
        self.name = name
        self.address = address
    }
}
