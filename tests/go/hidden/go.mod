module example.com/fixtures/hidden

go 1.21
