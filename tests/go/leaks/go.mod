module example.com/fixtures/leaks

go 1.21
