module example.com/fixtures/genericonly

go 1.21
