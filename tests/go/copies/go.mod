module example.com/fixtures/copies

go 1.21
