module example.com/fixtures/holders

go 1.21
