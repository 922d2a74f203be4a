import Testing

@Test func placeholderAutoMailTests() {}
