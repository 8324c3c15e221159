console.log('tds');
