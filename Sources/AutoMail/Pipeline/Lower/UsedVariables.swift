/// The contact variables of the catalog by name: where each stands in the catalog's list (a repeated
/// name: where it first stands), so that the variables the templates read are flags over that list.
struct VariablePositions: Sendable {
    private let positions: [String: Int]
    /// The number of variables in the catalog's list.
    let count: Int

    /// The positions of `names`, the catalog's list.
    init(_ names: [String]) {
        var positions: [String: Int] = [:]
        positions.reserveCapacity(names.count)
        for (position, name) in names.enumerated() where positions[name] == nil { positions[name] = position }
        self.positions = positions
        count = names.count
    }

    /// Where `name` stands in the catalog's list, if it is there.
    func position(of name: String) -> Int? { positions[name] }

    /// The positions of the names of `reads` that are in the catalog, in no particular order, a name read
    /// by several sets once for each: each name looked up once, no set of names made or merged.
    func positions(of reads: [Set<String>]) -> [Int] {
        var result: [Int] = []
        for set in reads {
            for name in set {
                if let position = positions[name] { result.append(position) }
            }
        }
        return result
    }
}

/// The contact variables the templates read, as flags over the catalog's list: what the bundle's
/// `variables` lists. Each template's reads are looked up on the thread that lowered it
/// (``VariablePositions/positions(of:)``) and merged here by setting flags, where the union of every
/// template's set of names (the definition, ``LoweringDifferentialTests``) hashed each name again.
struct UsedVariables {
    let catalog: VariablePositions
    private var flags: [Bool]

    /// None used yet, but the names of `always`.
    init(catalog: VariablePositions, always: Set<String>) {
        self.catalog = catalog
        flags = Array(repeating: false, count: catalog.count)
        insert(catalog.positions(of: [always]))
    }

    /// Marks the variables at `positions` (made by ``catalog``) used.
    mutating func insert(_ positions: [Int]) {
        // Every position comes from `catalog`, whose count `flags` has.
        for position in positions { flags[position] = true }
    }

    /// Whether `name` is a variable of the catalog some template reads.
    func contains(_ name: String) -> Bool {
        catalog.position(of: name).map { flags[$0] } ?? false
    }
}
