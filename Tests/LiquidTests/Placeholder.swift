import Testing

@Test func placeholderLiquidTests() {}
