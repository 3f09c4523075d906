module example.com/fixtures/withtests

go 1.21
