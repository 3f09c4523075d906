module example.com/fixtures/pinning

go 1.21
